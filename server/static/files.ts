// The pages' stylesheet and icon (files next to this module), read once, each served at a
// path that carries its hash so browsers may cache it forever.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Uint8Array;
  gzipped: Uint8Array;
  path: string;
  contentType: string;
}

function load(name: string, ext: string, contentType: string): StaticFile {
  const body = readFileSync(new URL(`./${name}.${ext}`, import.meta.url));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { body, gzipped: gzipSync(body, { level: 9 }), path: `/static/${name}.${hash}.${ext}`, contentType };
}

export const stylesheet: StaticFile = load('style', 'css', 'text/css; charset=utf-8');
export const favicon: StaticFile = load('favicon', 'svg', 'image/svg+xml');
