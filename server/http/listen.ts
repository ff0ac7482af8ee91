// Starts a hono app on a port with @hono/node-server and gives back its URL and a close()
// that stops accepting, lets requests in flight finish and drops idle keep-alive connections.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: ServerType;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(fetch: (request: Request) => Response | Promise<Response>, opts: { port: number; host: string }): Promise<Listening> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch, port: opts.port, hostname: opts.host }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
