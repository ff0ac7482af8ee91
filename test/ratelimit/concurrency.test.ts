// Concurrent hits from many connections (several pools standing in for several server
// processes) never let more than `limit` through, and every hit is counted.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { hit, keyHash } from '../../server/ratelimit/hit.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

async function storm(key: string, total: number, limit: number, pools: number, perPool: number, now?: Date) {
  const sqls = Array.from({ length: pools }, () => db.connect(perPool));
  // Open every connection first so the hits really race rather than trickle in.
  await Promise.all(sqls.flatMap((s) => Array.from({ length: perPool }, () => s`SELECT pg_sleep(0.05)`)));
  const results = await Promise.all(
    Array.from({ length: total }, (_, i) => hit(sqls[i % pools], key, { limit, windowSeconds: 3600, now })),
  );
  await Promise.all(sqls.map((s) => s.end()));
  return results;
}

test('400 concurrent hits over 4 pools of 25 connections allow exactly the limit', async () => {
  const key = `storm-${Math.random()}`;
  const results = await storm(key, 400, 37, 4, 25);
  expect(results.filter((r) => r.allowed)).toHaveLength(37);
  expect(results.filter((r) => !r.allowed).every((r) => r.retryAfter > 3500 && r.retryAfter <= 3600)).toBe(true);
  const remaining = results.filter((r) => r.allowed).map((r) => r.remaining).sort((a, b) => a - b);
  expect(remaining).toEqual(Array.from({ length: 37 }, (_, i) => i)); // each allowed hit saw a distinct count
  const [row] = await db.sql`SELECT hits FROM rate_limits WHERE key_hash = ${keyHash(key)}`;
  expect(row.hits).toBe(400);
});

test('a limit of 1 under a storm on a brand-new key lets exactly one through', async () => {
  for (let round = 0; round < 5; round++) {
    const results = await storm(`first-${round}-${Math.random()}`, 60, 1, 3, 20);
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
  }
});
