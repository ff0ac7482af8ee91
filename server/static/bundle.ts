// Builds the browser bundle of the transparency panel (panel/main.ts with
// @glasskey/verifier and its @noble dependencies) with esbuild, in memory, the first time it
// is asked for; every later call gets the same result. No build step to remember: `npm start`
// on a fresh clone bundles on first use (well under a second), and nothing is written to disk.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BrowserBundle {
  /** The minified ES module. */
  code: Uint8Array;
  /** The same, gzip-compressed (served to clients that accept gzip). */
  gzipped: Uint8Array;
  /** First 16 hex digits of the code's SHA-256: part of the URL, so it can be cached forever. */
  hash: string;
  /** Where the pages load it from. */
  path: string;
}

export const PANEL_ENTRY = fileURLToPath(new URL('./panel/main.ts', import.meta.url));

export async function buildPanelBundle(): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [PANEL_ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    logLevel: 'silent',
    legalComments: 'eof',
    charset: 'utf8',
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  return { code, gzipped: gzipSync(code, { level: 9 }), hash, path: `/static/panel.${hash}.js` };
}

let cached: Promise<BrowserBundle> | undefined;

/** The panel bundle, built once per process; a failed build is retried on the next call. */
export function panelBundle(): Promise<BrowserBundle> {
  cached ??= buildPanelBundle().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
