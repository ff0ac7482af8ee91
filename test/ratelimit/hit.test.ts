// Rate-limit counters on a real PostgreSQL: exact counts, Retry-After, windows that roll
// over (clock injected as a SQL parameter), independence of keys, and no plaintext keys.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { hit, keyHash } from '../../server/ratelimit/hit.ts';
import { RateLimitArgumentError } from '../../server/ratelimit/errors.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

const T0 = new Date('2030-01-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let n = 0;
const fresh = (label: string) => `${label}-${++n}-${Math.random()}`;

describe('hit', () => {
  test('allows exactly `limit` hits in a window, then refuses', async () => {
    const key = fresh('exact');
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await hit(db.sql, key, { limit: 4, windowSeconds: 60, now: at(i) }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([3, 2, 1, 0, 0, 0, 0]);
    const [row] = await db.sql`SELECT hits FROM rate_limits WHERE key_hash = ${keyHash(key)}`;
    expect(row.hits).toBe(7);
  });

  test('retryAfter is 0 when allowed and the whole seconds left in the window when refused', async () => {
    const key = fresh('retry');
    expect((await hit(db.sql, key, { limit: 1, windowSeconds: 600, now: at(0) })).retryAfter).toBe(0);
    expect(await hit(db.sql, key, { limit: 1, windowSeconds: 600, now: at(100) })).toEqual({
      allowed: false,
      retryAfter: 500,
      remaining: 0,
    });
    // 0.25 s later: 499.75 s left, rounded up.
    expect((await hit(db.sql, key, { limit: 1, windowSeconds: 600, now: at(100.25) })).retryAfter).toBe(500);
    // The last instant of the window: still refused, and never "retry after 0".
    expect((await hit(db.sql, key, { limit: 1, windowSeconds: 600, now: at(599.999) })).retryAfter).toBe(1);
  });

  test('a window rolls over when it ends; refused hits do not extend it', async () => {
    const key = fresh('roll');
    const lim = { limit: 2, windowSeconds: 10 };
    expect((await hit(db.sql, key, { ...lim, now: at(0) })).allowed).toBe(true);
    expect((await hit(db.sql, key, { ...lim, now: at(3) })).allowed).toBe(true);
    const refused = await hit(db.sql, key, { ...lim, now: at(9) });
    expect(refused).toMatchObject({ allowed: false, retryAfter: 1 });
    // The window opened at the first hit (t=0) ends at t=10 whatever was refused before.
    const next = await hit(db.sql, key, { ...lim, now: at(10) });
    expect(next).toEqual({ allowed: true, retryAfter: 0, remaining: 1 });
    expect((await hit(db.sql, key, { ...lim, now: at(15) })).allowed).toBe(true);
    // The new window started at t=10, so t=19 is still in it and t=20 is not.
    expect(await hit(db.sql, key, { ...lim, now: at(19) })).toMatchObject({ allowed: false, retryAfter: 1 });
    expect((await hit(db.sql, key, { ...lim, now: at(20) })).allowed).toBe(true);
  });

  test('a window opens at the first hit, so 1 per window means at most 1 per windowSeconds', async () => {
    const key = fresh('anchored');
    const lim = { limit: 1, windowSeconds: 600 };
    expect((await hit(db.sql, key, { ...lim, now: at(599) })).allowed).toBe(true);
    // A fixed, epoch-aligned window would have rolled over at t=600 here.
    expect(await hit(db.sql, key, { ...lim, now: at(601) })).toMatchObject({ allowed: false, retryAfter: 598 });
    expect((await hit(db.sql, key, { ...lim, now: at(1199) })).allowed).toBe(true);
  });

  test('a hit carrying an older clock counts in the current window', async () => {
    const key = fresh('stale');
    const lim = { limit: 2, windowSeconds: 10 };
    await hit(db.sql, key, { ...lim, now: at(0) });
    await hit(db.sql, key, { ...lim, now: at(12) }); // new window [12, 22)
    const late = await hit(db.sql, key, { ...lim, now: at(11) }); // delayed request from before
    expect(late).toEqual({ allowed: true, retryAfter: 0, remaining: 0 });
    expect(await hit(db.sql, key, { ...lim, now: at(13) })).toMatchObject({ allowed: false, retryAfter: 9 });
    // Seen from an older clock the window has more than its length left: capped.
    expect(await hit(db.sql, key, { ...lim, now: at(5) })).toMatchObject({ allowed: false, retryAfter: 10 });
  });

  test('keys are counted independently', async () => {
    const a = fresh('a');
    const b = fresh('b');
    const lim = { limit: 1, windowSeconds: 60, now: at(0) };
    expect((await hit(db.sql, a, lim)).allowed).toBe(true);
    expect((await hit(db.sql, b, lim)).allowed).toBe(true);
    expect((await hit(db.sql, a, lim)).allowed).toBe(false);
    expect((await hit(db.sql, b, lim)).allowed).toBe(false);
  });

  test("uses the database's clock when none is given", async () => {
    const key = fresh('dbclock');
    const lim = { limit: 1, windowSeconds: 1 };
    expect((await hit(db.sql, key, lim)).allowed).toBe(true);
    expect(await hit(db.sql, key, lim)).toMatchObject({ allowed: false, retryAfter: 1 });
    const [{ window_end, now }] = await db.sql`SELECT window_end, now() AS now FROM rate_limits WHERE key_hash = ${keyHash(key)}`;
    const left = window_end.getTime() - now.getTime();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, left + 50));
    expect((await hit(db.sql, key, lim)).allowed).toBe(true);
  });

  test('stores only a SHA-256 of the key, never the key', async () => {
    const key = `verify-mail-address:secret-${Math.random()}@example.org`;
    await hit(db.sql, key, { limit: 1, windowSeconds: 60 });
    const rows = await db.sql`SELECT key_hash, window_end::text, hits::text FROM rate_limits`;
    expect(rows.some((r) => Buffer.from(r.key_hash).equals(keyHash(key)))).toBe(true);
    const dump = JSON.stringify(rows.map((r) => [Buffer.from(r.key_hash).toString('latin1'), r.window_end, r.hits]));
    expect(dump).not.toContain('secret-');
  });

  test('the count saturates instead of overflowing', async () => {
    const key = fresh('saturate');
    await db.sql`INSERT INTO rate_limits (key_hash, window_end, hits) VALUES (${keyHash(key)}, ${at(60)}, 2147483647)`;
    expect(await hit(db.sql, key, { limit: 5, windowSeconds: 60, now: at(1) })).toMatchObject({ allowed: false, retryAfter: 59 });
  });

  test.each([
    ['limit', { limit: 0, windowSeconds: 60 }],
    ['limit', { limit: 1.5, windowSeconds: 60 }],
    ['windowSeconds', { limit: 1, windowSeconds: 0 }],
    ['windowSeconds', { limit: 1, windowSeconds: 0.5 }],
    ['windowSeconds', { limit: 1, windowSeconds: Number.NaN }],
    ['now', { limit: 1, windowSeconds: 1, now: new Date(Number.NaN) }],
  ])('refuses a bad %s', async (argument, opts) => {
    const err = await hit(db.sql, 'k', opts).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitArgumentError);
    expect(err.argument).toBe(argument);
  });

  test('refuses an empty key', async () => {
    await expect(hit(db.sql, '', { limit: 1, windowSeconds: 1 })).rejects.toBeInstanceOf(RateLimitArgumentError);
  });
});
