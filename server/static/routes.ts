// GET /static/<name>.<hash>.<ext>: the stylesheet, the icon and the panel bundle, each at a
// path carrying its content hash, so they are cached for a year as immutable. gzip when the
// client takes it (precompressed once). Any other name is a 404.
import type { Context } from 'hono';
import { panelBundle } from './bundle.ts';
import { favicon, stylesheet, type StaticFile } from './files.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

function send(c: Context, file: Pick<StaticFile, 'body' | 'gzipped' | 'contentType'>): Response {
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  const headers: Record<string, string> = { 'content-type': file.contentType, 'cache-control': IMMUTABLE, vary: 'accept-encoding' };
  if (gzip) headers['content-encoding'] = 'gzip';
  return c.body((gzip ? file.gzipped : file.body) as Uint8Array<ArrayBuffer>, 200, headers);
}

export async function staticHandler(c: Context): Promise<Response> {
  const path = c.req.path;
  for (const f of [stylesheet, favicon]) if (path === f.path) return send(c, f);
  if (path.startsWith('/static/panel.')) {
    const bundle = await panelBundle();
    if (path === bundle.path) return send(c, { body: bundle.code, gzipped: bundle.gzipped, contentType: 'text/javascript; charset=utf-8' });
  }
  return c.text('no such file\n', 404, { 'cache-control': 'no-store' });
}
