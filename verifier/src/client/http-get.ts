// The one HTTP operation the verifier needs: GET a URL, get status, body bytes and content
// type. Browser-safe: the default implementation wraps the global fetch; the Node driver
// passes a faster keep-alive node:http one (verifier/src/node/node-http.ts). Non-2xx answers
// are returned, not thrown; network failures are FetchError. getOk/getText/getJson throw
// FetchError for any status other than 200.
import { utf8Decode } from '../format/bytes.ts';

export interface HttpResponse {
  status: number;
  body: Uint8Array;
  contentType: string | null;
}

export type HttpGet = (url: string) => Promise<HttpResponse>;

/** A request that did not return the expected answer: status 0 means no answer at all. */
export class FetchError extends Error {
  readonly url: string;
  readonly status: number;
  constructor(url: string, status: number, message: string) {
    super(message);
    this.name = 'FetchError';
    this.url = url;
    this.status = status;
  }
}

/** An HttpGet over a fetch function (the global one by default). */
export function fetchHttpGet(fetchFn: typeof fetch = globalThis.fetch): HttpGet {
  if (typeof fetchFn !== 'function') throw new Error('fetchHttpGet: no fetch function available');
  return async (url) => {
    let res: Response;
    try {
      res = await fetchFn(url, { redirect: 'follow' });
    } catch (e) {
      throw new FetchError(url, 0, `GET ${url}: ${(e as Error).message}`);
    }
    const body = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, body, contentType: res.headers.get('content-type') };
  };
}

function errorDetail(res: HttpResponse): string {
  if (res.body.length === 0 || res.body.length > 500) return '';
  try {
    const text = utf8Decode(res.body).trim();
    if (res.contentType?.includes('json')) {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') return `: ${parsed.error}`;
    }
    return text ? `: ${text.split('\n')[0]}` : '';
  } catch {
    return '';
  }
}

/** GETs a URL and requires status 200. */
export async function getOk(get: HttpGet, url: string): Promise<HttpResponse> {
  const res = await get(url);
  if (res.status !== 200) throw new FetchError(url, res.status, `GET ${url}: HTTP ${res.status}${errorDetail(res)}`);
  return res;
}

export async function getText(get: HttpGet, url: string): Promise<string> {
  const res = await getOk(get, url);
  try {
    return utf8Decode(res.body, url);
  } catch {
    throw new FetchError(url, res.status, `GET ${url}: the answer is not UTF-8 text`);
  }
}

export async function getJson(get: HttpGet, url: string): Promise<unknown> {
  const text = await getText(get, url);
  try {
    return JSON.parse(text);
  } catch {
    throw new FetchError(url, 200, `GET ${url}: the answer is not JSON`);
  }
}

/** Resolves `path` (no leading slash) under a base URL, keeping the base's own path as a prefix. */
export function joinUrl(base: string, path: string): string {
  const b = base.endsWith('/') ? base : `${base}/`;
  return new URL(path, b).toString();
}
