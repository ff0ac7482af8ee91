// Many writers on several connections append thousands of entries (some inside their own
// transactions, some of which roll back) while two sequencers and a bare integrate() loop
// race on separate connections. Afterwards: indices contiguous from 0, each committed entry
// exactly once and at the index its pending id maps to, batches contiguous, and every
// checkpoint signed, with the reference root, and consistent with the one before it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyConsistency } from '@glasskey/verifier';
import { splitEntryBundle } from '@glasskey/verifier';
import {
  appendPending,
  consistencyProof,
  integrate,
  latestCheckpoint,
  readEntryBundle,
  startSequencer,
  waitForIndex,
} from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { openTestCheckpoint, randomEntries, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const WRITERS = 6;
const PER_WRITER = 700;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const rnd = (n: number) => Math.floor(Math.random() * n);

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

test('writers and racing integrators: every entry exactly once, every checkpoint consistent', async () => {
  const committed: { id: number; entry: Uint8Array }[] = [];
  const integratedBy = { a: 0, b: 0, loop: 0 };
  const errors: unknown[] = [];
  const seqA = startSequencer(db.connect(3), {
    ...key,
    maxBatch: 64,
    intervalMs: 25,
    onError: (e) => errors.push(e),
    onIntegrated: () => integratedBy.a++,
  });
  const seqB = startSequencer(db.connect(3), {
    ...key,
    maxBatch: 97,
    intervalMs: 25,
    onError: (e) => errors.push(e),
    onIntegrated: () => integratedBy.b++,
  });
  let writing = true;
  const loopSql = db.connect(2);
  const loop = (async () => {
    while (writing) {
      if (await integrate(loopSql, { ...key, maxBatch: 50 })) integratedBy.loop++;
      else await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const writers = Array.from({ length: WRITERS }, async (_, w) => {
    const sql = db.connect(2);
    let done = 0;
    while (done < PER_WRITER) {
      const entries = randomEntries(Math.min(1 + rnd(40), PER_WRITER - done));
      const mode = rnd(4);
      if (mode === 0) {
        // in the caller's transaction, with its own rows; sometimes rolled back
        const rollBack = rnd(3) === 0;
        const ids = await sql
          .begin(async (tx) => {
            await tx`SELECT pg_sleep(0.001)`;
            const ids = await appendPending(tx, entries);
            if (rollBack) throw new Error('rolled back');
            return ids;
          })
          .catch((e) => {
            if ((e as Error).message !== 'rolled back') throw e;
            return null;
          });
        if (!ids) continue;
        ids.forEach((id, i) => committed.push({ id, entry: entries[i] }));
      } else {
        const ids = await appendPending(sql, entries);
        ids.forEach((id, i) => committed.push({ id, entry: entries[i] }));
      }
      done += entries.length;
      if (w % 2 === 0) await new Promise((r) => setTimeout(r, rnd(3)));
    }
  });
  await Promise.all(writers);
  writing = false;
  await loop;
  const total = committed.length;
  expect(total).toBe(WRITERS * PER_WRITER);
  const deadline = Date.now() + 60_000;
  while (((await latestCheckpoint(db.sql))?.size ?? 0) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.all([seqA.stop(), seqB.stop()]);
  expect(errors.map((e) => String(e))).toEqual([]);
  expect(integratedBy.a).toBeGreaterThan(0);
  expect(integratedBy.b).toBeGreaterThan(0);
  expect(integratedBy.loop).toBeGreaterThan(0);

  // Indices contiguous from 0, each committed entry exactly once, nothing else.
  const latest = (await latestCheckpoint(db.sql))!;
  expect(latest.size).toBe(total);
  const byIndex: Uint8Array[] = [];
  for (let b = 0; b * 256 < total; b++) {
    const width = Math.min(256, total - b * 256);
    byIndex.push(...splitEntryBundle((await readEntryBundle(db.sql, b, width))!, width));
  }
  expect(byIndex.length).toBe(total);
  const indexOf = new Map<string, number>();
  byIndex.forEach((e, i) => {
    expect(indexOf.has(hex(e)), `entry at ${i} appears twice`).toBe(false);
    indexOf.set(hex(e), i);
  });
  for (const c of committed) expect(indexOf.has(hex(c.entry))).toBe(true);
  expect((await db.sql`SELECT count(*)::int AS n FROM log_pending`)[0].n).toBe(0);

  // Each pending id maps to the index its entry landed at; ids are taken in order per batch.
  for (const c of committed.filter((_, i) => i % 3 === 0)) {
    expect(await waitForIndex(db.sql, c.id, 0)).toBe(indexOf.get(hex(c.entry)));
  }

  // Batches contiguous.
  const batches = await db.sql`SELECT first_index, size, pending_ids FROM log_batches ORDER BY first_index`;
  let end = 0;
  for (const b of batches) {
    expect(Number(b.first_index)).toBe(end);
    end = Number(b.size);
    const ids = (b.pending_ids as string[]).map(Number);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
  }
  expect(end).toBe(total);

  // Every checkpoint signed, with the reference root, consistent with the previous one.
  const tree = ReferenceTree.fromEntries(byIndex);
  const checkpoints = await db.sql`SELECT size, note FROM log_checkpoints ORDER BY size`;
  expect(checkpoints.length).toBe(batches.length);
  let prev = { size: 0, root: tree.root(0) };
  for (const row of checkpoints) {
    const cp = openTestCheckpoint(row.note, key);
    expect(cp.size).toBe(Number(row.size));
    expect(cp.size).toBeGreaterThan(prev.size);
    expect(cp.root).toEqual(tree.root(cp.size));
    verifyConsistency(prev.size, cp.size, prev.root, cp.root, await consistencyProof(db.sql, prev.size, cp.size));
    prev = cp;
  }
}, 180_000);
