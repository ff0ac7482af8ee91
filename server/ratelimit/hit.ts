// hit(): counts one event against a named key in PostgreSQL and says whether it is within
// its limit, and if not, how many seconds until the key's window ends (for Retry-After).
import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import { RateLimitArgumentError } from './errors.ts';
import { hitQuery } from './queries.ts';

export interface Limit {
  /** Hits allowed per window (>= 1). */
  limit: number;
  /** Length of a window in seconds (whole number >= 1). */
  windowSeconds: number;
}

export interface HitOptions extends Limit {
  /** The clock; default the database's now(). For tests. */
  now?: Date;
}

export interface HitResult {
  allowed: boolean;
  /** 0 when allowed; else whole seconds until the window ends (>= 1). */
  retryAfter: number;
  /** Hits still allowed in this window after this one. */
  remaining: number;
}

const MAX_WINDOW_SECONDS = 366 * 86400;

export function checkLimit(limit: Limit): void {
  if (!Number.isSafeInteger(limit.limit) || limit.limit < 1)
    throw new RateLimitArgumentError('limit', limit.limit, 'must be a whole number >= 1');
  if (!Number.isSafeInteger(limit.windowSeconds) || limit.windowSeconds < 1 || limit.windowSeconds > MAX_WINDOW_SECONDS)
    throw new RateLimitArgumentError('windowSeconds', limit.windowSeconds, `must be a whole number from 1 to ${MAX_WINDOW_SECONDS}`);
}

/** The stored form of a key: SHA-256 of its UTF-8 bytes. */
export function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export async function hit(sql: Sql, key: string, opts: HitOptions): Promise<HitResult> {
  if (typeof key !== 'string' || key.length === 0) throw new RateLimitArgumentError('key', key, 'must be a non-empty string');
  checkLimit(opts);
  if (opts.now !== undefined && !(opts.now instanceof Date && Number.isFinite(opts.now.getTime())))
    throw new RateLimitArgumentError('now', opts.now, 'must be a valid Date');
  const row = await hitQuery(sql, keyHash(key), opts.windowSeconds, opts.now ?? null);
  const allowed = row.hits <= opts.limit;
  return {
    allowed,
    // A hit whose clock reading is older than the one that opened the window (concurrent
    // statements, or an injected clock) would see more than a window left: cap it.
    retryAfter: allowed ? 0 : Math.min(opts.windowSeconds, Math.max(1, row.seconds_left)),
    remaining: Math.max(0, opts.limit - row.hits),
  };
}
