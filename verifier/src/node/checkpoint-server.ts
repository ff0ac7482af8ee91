// Serves a monitor's newest verified checkpoint over HTTP so that others can gossip with it:
// GET /checkpoint and GET /<hex SHA-256(origin)>/checkpoint (the tlog-witness monitoring path,
// so a monitor and a witness are the same kind of gossip source). 404 until one is verified.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { originPathSegment } from '../monitor/monitor-gossip.ts';

export interface CheckpointServer {
  url: string;
  close(): Promise<void>;
}

export async function serveCheckpoint(
  origin: string,
  latest: () => string | null,
  port: number,
  host?: string,
): Promise<CheckpointServer> {
  const paths = new Set(['/checkpoint', `/${originPathSegment(origin)}/checkpoint`]);
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const note = paths.has(path) ? latest() : null;
    if (note === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(paths.has(path) ? 'no verified checkpoint yet\n' : 'not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : note);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host ?? (addr.family === 'IPv6' ? 'localhost' : addr.address);
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${addr.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
