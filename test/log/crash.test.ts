// An integrator killed mid-transaction (its backend terminated with pg_terminate_backend from
// another connection) leaves the log exactly as it was before that batch, and the next
// integration carries on from there. Three kill points: while
// signing (pending rows already deleted, tiles already written in its transaction), and while
// blocked inside each of its two writing statements (waiting on a row lock the test holds).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyConsistency } from '@glasskey/verifier';
import type { Sql } from 'postgres';
import { appendPending, consistencyProof, integrate, latestCheckpoint, LOG_LOCK_KEY } from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { growLog, randomEntries, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const tree = new ReferenceTree();
const pendingEntries: Uint8Array[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  await growLog(db.sql, key, tree, [700, 50]);
});
afterAll(async () => db?.close());

/** Everything the log holds, as fingerprints of each table. */
async function logState() {
  const [r] = await db.sql`
    SELECT (SELECT md5(string_agg(id::text || encode(item, 'hex') || encode(leaf, 'hex'), ',' ORDER BY id)) FROM log_pending) AS pending,
           (SELECT md5(string_agg(level || '/' || idx || '/' || width || encode(hashes, 'hex'), ',' ORDER BY level, idx, width)) FROM log_tiles) AS tiles,
           (SELECT md5(string_agg(idx || '/' || width || encode(entries, 'hex'), ',' ORDER BY idx, width)) FROM log_entry_bundles) AS bundles,
           (SELECT md5(string_agg(first_index || '/' || size, ',' ORDER BY first_index)) FROM log_batches) AS batches,
           (SELECT md5(string_agg(size || note, ',' ORDER BY size)) FROM log_checkpoints) AS checkpoints,
           (SELECT count(*)::int FROM log_pending) AS pending_count`;
  return r;
}

/** The backend holding the integrator's advisory lock in this database (other test files run integrators too). */
async function integratorPid(): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const [row] = await db.sql`
      SELECT pid FROM pg_locks
       WHERE locktype = 'advisory' AND objid::bigint = ${LOG_LOCK_KEY} AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    if (row) return row.pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no integrator holds the lock');
}

async function carriesOn(sql: Sql, before: { size: number; root: Uint8Array }) {
  const r = await integrate(sql, key);
  for (const e of pendingEntries.splice(0)) tree.append(e);
  expect(r).toMatchObject({ size: tree.size, root: tree.root() });
  verifyConsistency(before.size, r!.size, before.root, r!.root, await consistencyProof(db.sql, before.size, r!.size));
  expect((await logState()).pending_count).toBe(0);
}

test('killed while signing: nothing changes, the next integration carries on', async () => {
  const entries = randomEntries(600);
  await appendPending(db.sql, entries);
  pendingEntries.push(...entries);
  const before = await logState();
  const cp = (await latestCheckpoint(db.sql))!;

  const integratorSql = db.connect(1);
  let reached!: () => void;
  const atSigning = new Promise<void>((r) => (reached = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const run = integrate(integratorSql, {
    ...key,
    signCheckpoint: async (body) => {
      reached();
      await gate;
      return key.signCheckpoint(body);
    },
  });
  const outcome = run.then(
    () => 'committed',
    (e) => e,
  );
  await atSigning;
  const pid = await integratorPid();
  // Its uncommitted work is invisible: the pending rows are still there for everyone else.
  expect(await logState()).toEqual(before);
  const [{ killed }] = await db.sql`SELECT pg_terminate_backend(${pid}) AS killed`;
  expect(killed).toBe(true);
  release();
  const err = await outcome;
  expect(err).toBeInstanceOf(Error);
  expect(await logState()).toEqual(before);
  expect(await latestCheckpoint(db.sql)).toEqual(cp);
  // (The killed pool's next query may still see the old backend's error: a postgres.js quirk.)
  await carriesOn(db.sql, cp);
});

/** Holds an uncommitted row (as a would-be integrator) that the integrator's statement must wait for. */
async function killWhileBlocked(blockingInsert: (holder: Sql, size: number, pending: number) => Promise<unknown>, statement: RegExp) {
  const entries = randomEntries(300);
  await appendPending(db.sql, entries);
  pendingEntries.push(...entries);
  const before = await logState();
  const cp = (await latestCheckpoint(db.sql))!;

  const holder = await db.sql.reserve();
  await holder`BEGIN`;
  await holder`SELECT set_config('glasskey.log_writer', 'integrator', true)`; // the test poses as an integrator
  await blockingInsert(holder, cp.size, entries.length);

  const integratorSql = db.connect(1);
  const outcome = integrate(integratorSql, key).then(
    () => 'committed',
    (e) => e,
  );
  const pid = await integratorPid();
  let waiting = false;
  for (let i = 0; i < 500 && !waiting; i++) {
    const [row] = await db.sql`SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = ${pid}`;
    waiting = row?.wait_event_type === 'Lock' && statement.test(row.query);
    if (!waiting) await new Promise((r) => setTimeout(r, 10));
  }
  expect(waiting).toBe(true);
  await db.sql`SELECT pg_terminate_backend(${pid})`;
  expect(await outcome).toBeInstanceOf(Error);
  await holder`ROLLBACK`;
  holder.release();

  expect(await logState()).toEqual(before);
  expect(await latestCheckpoint(db.sql)).toEqual(cp);
  await carriesOn(db.sql, cp);
}

test('killed while blocked inside the statement that moves the entries into the tree: nothing changes', async () => {
  // An uncommitted batch row at the next index: the integrator's insert of its own waits on it,
  // after its DELETE of the pending rows and its tile and bundle inserts in the same statement.
  await killWhileBlocked(
    (holder, size, n) => holder`
      INSERT INTO log_batches (first_index, size, pending_ids, pending_range)
      SELECT ${size}::int8, ${size + n}::int8, array_agg(g), int8range(1, ${n}::int8, '[]')
        FROM generate_series(1::int8, ${n}::int8) AS g`,
    /DELETE FROM log_pending/,
  );
});

test('killed while blocked inside the statement that writes the checkpoint: nothing changes', async () => {
  await killWhileBlocked(
    (holder, size, n) => holder`
      INSERT INTO log_checkpoints (size, root, frontier, note) VALUES (${size + n}::int8, ${new Uint8Array(32)}, '\\x', 'held')`,
    /INSERT INTO log_checkpoints/,
  );
});

test('after the kills the log holds every entry once, in order', async () => {
  const latest = (await latestCheckpoint(db.sql))!;
  expect(latest.size).toBe(700 + 50 + 600 + 300 + 300);
  expect(latest.root).toEqual(tree.root());
});
