// HTTP errors: ApiError carries a status, a stable code and a message; errorResponse turns
// any thrown error into a JSON body {error, code} with a 4xx for everything the client
// caused (typed errors from the verifier, OpenPGP handling, limits) and a logged 500 only
// for our own faults.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { VerificationError } from '@glasskey/verifier';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 501 | 503,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  status: number;
  code: string;
  error: string;
  headers: Record<string, string>;
}

/** Classifies an error; unknown errors become a generic 500 (the caller logs them). */
export function describeError(err: unknown): ErrorBody {
  if (err instanceof ApiError) return { status: err.status, code: err.code, error: err.message, headers: err.headers };
  const e = err as { name?: string; code?: unknown; status?: unknown; message?: string };
  if (e && e.name === 'CertificateError' && typeof e.status === 'number')
    return { status: e.status, code: String(e.code), error: String(e.message), headers: {} };
  if (err instanceof VerificationError) return { status: 400, code: err.code, error: err.message, headers: {} };
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'body-too-large' : status === 403 ? 'forbidden' : 'bad-request';
    const message = status === 413 ? 'request body is larger than the 1 MiB limit' : err.message || 'bad request';
    return { status, code, error: message, headers: {} };
  }
  return { status: 500, code: 'internal', error: 'internal error', headers: {} };
}

export function jsonError(c: Context, err: unknown, log: (msg: string, err: unknown) => void = console.error): Response {
  const d = describeError(err);
  // Only our own faults are logged; a 5xx the code raised on purpose (ApiError 503 before the
  // witnesses' first quorum, 501) is an answer, not an unexpected error.
  if (d.code === 'internal') log(`${c.req.method} ${c.req.path}: unexpected error`, err);
  return c.json({ error: d.error, code: d.code }, d.status as 400, d.headers);
}
