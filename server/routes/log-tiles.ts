// c2sp.org/tlog-tiles under /log: the served checkpoint, hash tiles and entry bundles.
// Full tiles never change: a year's max-age, immutable. The checkpoint and partial tiles
// change as the log grows: a few seconds.
import { Hono } from 'hono';
import { parseTilePath, TILE_WIDTH, VerificationError } from '@glasskey/verifier';
import { readEntryBundle, readTile } from '../../log/index.ts';
import type { Services } from '../services.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=5';

function notFound(message: string) {
  return new Response(message + '\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

export function logTileRoutes(svc: Services) {
  const app = new Hono();
  app.get('/checkpoint', async (c) => {
    const cp = await svc.checkpoint.current();
    return c.body(cp.note, 200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': SHORT });
  });
  app.get('/tile/*', async (c) => {
    const path = c.req.path.slice(c.req.path.indexOf('/tile/') + 1);
    let addr;
    try {
      addr = parseTilePath(path);
    } catch (err) {
      if (err instanceof VerificationError) return notFound(`not a tile path: ${err.message}`);
      throw err;
    }
    // The log stores levels 0..7 (256^8 leaves); tlog-tiles paths may name levels up to 63.
    if (addr.index > BigInt(Number.MAX_SAFE_INTEGER) || (addr.level !== 'entries' && addr.level > 7)) return notFound('no such tile');
    const index = Number(addr.index);
    const data = addr.level === 'entries' ? await readEntryBundle(svc.sql, index, addr.width) : await readTile(svc.sql, addr.level, index, addr.width);
    if (!data) return notFound('no such tile');
    return c.body(data as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'cache-control': addr.width === TILE_WIDTH ? IMMUTABLE : SHORT,
    });
  });
  return app;
}
