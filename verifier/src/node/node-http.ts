// HTTP for the Node driver: a keep-alive node:http(s) GET (several times the request rate of
// the global fetch on small tile responses) and a JSON POST for webhooks.
import http from 'node:http';
import https from 'node:https';
import { FetchError, type HttpGet } from '../client/http-get.ts';

export interface NodeHttpGet extends HttpGet {
  /** Closes idle keep-alive connections. */
  close(): void;
}

export function nodeHttpGet(options: { timeoutMs?: number; maxSockets?: number } = {}): NodeHttpGet {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 }),
  };
  const get = (url: string) =>
    new Promise<{ status: number; body: Uint8Array; contentType: string | null }>((resolve, reject) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        reject(new FetchError(url, 0, `GET ${url}: not a URL`));
        return;
      }
      const proto = parsed.protocol === 'https:' ? 'https:' : parsed.protocol === 'http:' ? 'http:' : null;
      if (!proto) {
        reject(new FetchError(url, 0, `GET ${url}: only http and https URLs are supported`));
        return;
      }
      const mod = proto === 'https:' ? https : http;
      const req = mod.get(parsed, { agent: agents[proto], headers: { accept: '*/*' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            body: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
            contentType: res.headers['content-type'] ?? null,
          });
        });
        res.on('error', (e) => reject(new FetchError(url, 0, `GET ${url}: ${e.message}`)));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => reject(new FetchError(url, 0, `GET ${url}: ${e.message}`)));
    });
  return Object.assign(get, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** POSTs a JSON body; retries (attempts in all) on network errors and 5xx; throws on failure. */
export async function postJson(url: string, body: unknown, attempts = 3): Promise<void> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status < 500) break;
    } catch (e) {
      last = (e as Error).message;
    }
  }
  throw new Error(`POST ${url} failed: ${last}`);
}
