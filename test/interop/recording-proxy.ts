// An HTTP proxy for the interop tests that forwards every request to the server unchanged
// and keeps what the client sent and what it got back, so a test can read the answer a
// real client received even when the client itself does not show it (gpg --send-keys).
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  requestBody: string;
  status: number;
  contentType: string;
  body: string;
}

export interface RecordingProxy {
  port: number;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const sent: Buffer[] = [];
    req.on('data', (c: Buffer) => sent.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(sent);
      const out = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (answer) => {
          const got: Buffer[] = [];
          answer.on('data', (c: Buffer) => got.push(c));
          answer.on('end', () => {
            const body = Buffer.concat(got);
            exchanges.push({
              method: req.method ?? '',
              path: req.url ?? '',
              requestBody: requestBody.toString('utf8'),
              status: answer.statusCode ?? 0,
              contentType: String(answer.headers['content-type'] ?? ''),
              body: body.toString('utf8'),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(body);
          });
        },
      );
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(requestBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
