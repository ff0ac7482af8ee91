// The log tables are append-only in the database itself: UPDATE, DELETE and TRUNCATE are
// rejected by triggers (even when no row would be touched), batches must continue the tree,
// and only pending rows can be deleted.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { appendPending, integrate } from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { randomEntries, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const TABLES = ['log_batches', 'log_tiles', 'log_entry_bundles', 'log_checkpoints'];

beforeAll(async () => {
  db = await freshDatabase();
  await appendPending(db.sql, randomEntries(600));
  await integrate(db.sql, key);
});
afterAll(async () => db?.close());

async function rejection(statement: string) {
  const err = await db.sql.unsafe(statement).then(
    () => null,
    (e) => e,
  );
  return err && { code: err.code, message: err.message };
}

const snapshot = async () =>
  Promise.all(TABLES.map((t) => db.sql.unsafe(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS h, count(*)::int AS n FROM ${t} t`)));

test.each(TABLES)('%s rejects UPDATE, DELETE and TRUNCATE', async (table) => {
  const before = await snapshot();
  const column = table === 'log_checkpoints' ? 'note' : table === 'log_tiles' ? 'hashes' : table === 'log_entry_bundles' ? 'entries' : 'pending_ids';
  const value = column === 'note' ? "'forged'" : column === 'pending_ids' ? "'{1}'" : "'\\x00'::bytea";
  for (const statement of [
    `UPDATE ${table} SET ${column} = ${value}`,
    `UPDATE ${table} SET ${column} = ${value} WHERE false`,
    `DELETE FROM ${table}`,
    `DELETE FROM ${table} WHERE false`,
    `TRUNCATE ${table} CASCADE`,
  ]) {
    const err = await rejection(statement);
    expect(err, statement).toMatchObject({ code: '23001' });
    expect(err!.message).toContain(`table ${table} is append-only`);
  }
  expect(await snapshot()).toEqual(before);
});

test('a batch that does not continue the tree is rejected', async () => {
  const err = await asIntegrator(
    `INSERT INTO log_batches (first_index, size, pending_ids, pending_range)
     VALUES (601, 602, '{999999}', int8range(999999, 999999, '[]'))`,
  );
  expect(err).toMatchObject({ code: '23000' });
  expect(err!.message).toContain('does not continue the tree of size 600');
  const again = await asIntegrator(
    `INSERT INTO log_batches (first_index, size, pending_ids, pending_range)
     VALUES (0, 1, '{999999}', int8range(999999, 999999, '[]'))`,
  );
  expect(again).toMatchObject({ code: '23000' });
});

test('only an integrator transaction may insert into the log tables', async () => {
  for (const statement of [
    `INSERT INTO log_tiles (level, idx, width, start, hashes) VALUES (0, 99, 1, 0, '\\x${'00'.repeat(32)}')`,
    `INSERT INTO log_entry_bundles (idx, width, start, entries) VALUES (99, 1, 0, '\\x000100')`,
    `INSERT INTO log_checkpoints (size, root, frontier, note) VALUES (99999, '\\x${'00'.repeat(32)}', '\\x', 'forged')`,
    `INSERT INTO log_batches (first_index, size, pending_ids, pending_range) VALUES (600, 601, '{1}', int8range(1, 1, '[]'))`,
  ]) {
    const err = await rejection(statement);
    expect(err, statement).toMatchObject({ code: '42501' });
    expect(err!.message).toContain('is written only by the log integrator');
  }
});

/** Runs statements in a transaction marked as the integrator's (as lockLog does), then rolls back. */
async function asIntegrator(statement: string) {
  const err = await db.sql
    .begin(async (tx) => {
      await tx`SELECT set_config('glasskey.log_writer', 'integrator', true)`;
      await tx.unsafe(statement);
      throw new Error('roll back');
    })
    .catch((e) => e);
  return err.message === 'roll back' ? null : { code: err.code, message: err.message };
}

test('a partial row claiming to be a whole tile is rejected', async () => {
  const err = await asIntegrator(`INSERT INTO log_tiles (level, idx, width, start, hashes) VALUES (0, 99, 256, 10, '\\x00')`);
  expect(err?.code).toBe('23514');
});

test('pending rows can be deleted (by the integrator, or an operator) but not changed', async () => {
  const [id] = await appendPending(db.sql, randomEntries(1));
  const err = await rejection(`UPDATE log_pending SET item = '\\x000100' WHERE id = ${id}`);
  expect(err).toMatchObject({ code: '23001' });
  const leaf = await rejection(`UPDATE log_pending SET leaf = '\\x00' WHERE id = ${id}`);
  expect(leaf).not.toBeNull();
  const deleted = await db.sql`DELETE FROM log_pending WHERE id = ${id} RETURNING id`;
  expect(deleted.length).toBe(1);
});
