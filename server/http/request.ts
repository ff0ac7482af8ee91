// Small request helpers shared by the handlers: the client's IP (for rate limits), JSON
// bodies and form bodies with clear 4xx errors instead of exceptions.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ApiError } from './errors.ts';

export function clientIp(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for');
    if (xff) return xff.split(',')[0].trim();
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, 'bad-json', 'the request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'bad-json', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') throw new ApiError(400, 'missing-field', `"${name}" must be a non-empty string`);
  return v;
}

/** Fields of a urlencoded or multipart form; uploaded files come back as bytes. */
export async function formBody(c: Context): Promise<Record<string, string | Uint8Array>> {
  const type = c.req.header('content-type') ?? '';
  let raw: ArrayBuffer;
  try {
    raw = await c.req.arrayBuffer();
  } catch {
    throw new ApiError(400, 'bad-body', 'could not read the request body');
  }
  const out: Record<string, string | Uint8Array> = {};
  if (type.startsWith('multipart/form-data')) {
    let fd: FormData;
    try {
      fd = await new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    } catch {
      throw new ApiError(400, 'bad-form', 'malformed multipart form');
    }
    for (const [k, v] of fd.entries()) out[k] = typeof v === 'string' ? v : new Uint8Array(await v.arrayBuffer());
    return out;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ApiError(400, 'bad-form', 'the form body is not valid UTF-8');
  }
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}
