// integrate() and appendPending() on a real PostgreSQL: for random batch splits every new
// checkpoint is signed and carries the reference root; entries land at the right indices and
// pending ids map to them; a batch that fails (signer throws, bad note) changes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  appendPending,
  checkpointAt,
  CheckpointSigningError,
  entryAt,
  integrate,
  latestCheckpoint,
  LogArgumentError,
  readEntryBundle,
  rootAt,
  waitForIndex,
} from '../../log/index.ts';
import { formatEntryBundle } from '@glasskey/verifier';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { openTestCheckpoint, randomEntries, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const tree = new ReferenceTree();
const written: Uint8Array[] = []; // by index
const idsByIndex: number[] = [];

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

async function counts() {
  const [r] = await db.sql`
    SELECT (SELECT count(*) FROM log_pending)::int AS pending, (SELECT count(*) FROM log_tiles)::int AS tiles,
           (SELECT count(*) FROM log_entry_bundles)::int AS bundles, (SELECT count(*) FROM log_batches)::int AS batches,
           (SELECT count(*) FROM log_checkpoints)::int AS checkpoints`;
  return r;
}

describe('integrate', () => {
  test('with nothing pending returns null and writes nothing', async () => {
    expect(await integrate(db.sql, { ...key, maxBatch: 10 })).toBeNull();
    expect(await latestCheckpoint(db.sql)).toBeNull();
    expect(await counts()).toEqual({ pending: 0, tiles: 0, bundles: 0, batches: 0, checkpoints: 0 });
  });

  test('random batch splits: every checkpoint is signed and carries the reference root', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }), async (splits) => {
        // Append everything first (of varied lengths, 1 to 4096 bytes), then integrate in the
        // chosen batch sizes.
        const entries = randomEntries(splits.reduce((a, b) => a + b, 0), { min: 1, max: 300 });
        entries[0] = randomEntries(1, { min: 4096, max: 4096 })[0];
        const ids = await appendPending(db.sql, entries);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        let at = 0;
        for (const n of splits) {
          const before = tree.size;
          const r = await integrate(db.sql, { ...key, maxBatch: n });
          expect(r).not.toBeNull();
          expect(r!.appended).toBe(n);
          for (const e of entries.slice(at, at + n)) {
            tree.append(e);
            written.push(e);
          }
          idsByIndex.push(...ids.slice(at, at + n));
          at += n;
          expect(r!.size).toBe(before + n);
          expect(r!.root).toEqual(tree.root());
          const cp = openTestCheckpoint(r!.checkpoint, key);
          expect(cp).toEqual({ size: tree.size, root: tree.root() });
          const latest = await latestCheckpoint(db.sql);
          expect(latest).toMatchObject({ size: tree.size, root: tree.root(), note: r!.checkpoint });
          expect(latest!.time).toBeInstanceOf(Date);
        }
        expect(await integrate(db.sql, { ...key, maxBatch: 1 })).toBeNull();
      }),
      { numRuns: 12 },
    );
    expect(tree.size).toBeGreaterThan(1000);
  });

  test('every checkpoint written is kept, at its size, with its root', async () => {
    const rows = await db.sql`SELECT size FROM log_checkpoints ORDER BY size`;
    for (const { size } of rows) {
      const cp = await checkpointAt(db.sql, Number(size));
      expect(openTestCheckpoint(cp!.note, key)).toEqual({ size: Number(size), root: tree.root(Number(size)) });
      expect(cp!.root).toEqual(tree.root(Number(size)));
    }
    expect(await checkpointAt(db.sql, tree.size + 1)).toBeNull();
  });

  test('roots of every size from stored hashes equal the reference', async () => {
    for (let s = 0; s <= tree.size; s++) expect(await rootAt(db.sql, s)).toEqual(tree.root(s));
  });

  test('entries are at their indices and pending ids map to them', async () => {
    for (let b = 0; b * 256 < written.length; b++) {
      const slice = written.slice(b * 256, b * 256 + 256);
      expect(await readEntryBundle(db.sql, b, slice.length)).toEqual(formatEntryBundle(slice));
    }
    for (let i = 0; i < written.length; i += i % 256 === 255 ? 1 : 13) expect(await entryAt(db.sql, i)).toEqual(written[i]);
    expect(await entryAt(db.sql, written.length - 1)).toEqual(written.at(-1));
    expect(await entryAt(db.sql, written.length)).toBeNull();
    for (let i = 0; i < idsByIndex.length; i += 29) expect(await waitForIndex(db.sql, idsByIndex[i], 0)).toBe(i);
  });

  test('the pending rows of integrated entries are gone', async () => {
    expect((await counts()).pending).toBe(0);
  });
});

describe('appendPending', () => {
  test("in the caller's transaction: entries commit or vanish with the caller's rows", async () => {
    const [kept, dropped] = [randomEntries(3), randomEntries(2)];
    const keptIds = await db.sql.begin(async (tx) => {
      await tx`CREATE TEMP TABLE caller_rows (x int) ON COMMIT DROP`;
      await tx`INSERT INTO caller_rows VALUES (1)`;
      return appendPending(tx, kept);
    });
    await expect(
      db.sql.begin(async (tx) => {
        await appendPending(tx, dropped);
        throw new Error('caller fails');
      }),
    ).rejects.toThrow('caller fails');
    const r = await integrate(db.sql, { ...key, maxBatch: 100 });
    expect(r!.appended).toBe(3);
    for (let i = 0; i < 3; i++) {
      const index = await waitForIndex(db.sql, keptIds[i], 0);
      expect(index).toBe(tree.size + i);
      expect(await entryAt(db.sql, index)).toEqual(kept[i]);
    }
    for (const e of kept) tree.append(e);
    expect(r!.root).toEqual(tree.root());
  });

  test('takes entries in id order across calls', async () => {
    const a = randomEntries(5);
    const b = randomEntries(5);
    const idsA = await appendPending(db.sql, a);
    const idsB = await appendPending(db.sql, b);
    expect(Math.max(...idsA)).toBeLessThan(Math.min(...idsB));
    await integrate(db.sql, { ...key, maxBatch: 7 });
    await integrate(db.sql, { ...key, maxBatch: 7 });
    for (const [i, e] of [...a, ...b].entries()) {
      expect(await entryAt(db.sql, tree.size + i)).toEqual(e);
    }
    for (const e of [...a, ...b]) tree.append(e);
    expect((await latestCheckpoint(db.sql))!.root).toEqual(tree.root());
  });

  test('rejects what is not an entry', async () => {
    const bad: unknown[] = [[new Uint8Array(0)], [new Uint8Array(4097)], [new Uint8Array(65536)], ['text'], [null], 'x'];
    for (const b of bad) {
      await expect(appendPending(db.sql, b as Uint8Array[])).rejects.toBeInstanceOf(LogArgumentError);
    }
    expect(await appendPending(db.sql, [])).toEqual([]);
    expect((await counts()).pending).toBe(0);
  });
});

describe('a writer committing late', () => {
  test('a lower id committed between picking and taking: integrate starts over and takes both, in id order', async () => {
    const [early, late] = [randomEntries(1)[0], randomEntries(1)[0]];
    // Writer A holds a lower pending id uncommitted; writer B commits a higher one.
    const writerA = await db.sql.reserve();
    await writerA`BEGIN`;
    const [idA] = await appendPending(writerA, [early]);
    const [idB] = await appendPending(db.sql, [late]);
    expect(idA).toBeLessThan(idB);
    // Make the integrator's second statement wait (it inserts into log_batches), after its
    // first has picked what it could see: B's entry only.
    const holder = await db.sql.reserve();
    await holder`BEGIN`;
    await holder`LOCK TABLE log_batches IN SHARE ROW EXCLUSIVE MODE`;
    const integrator = db.connect(1);
    const [{ pid }] = await integrator`SELECT pg_backend_pid() AS pid`;
    const run = integrate(integrator, key);
    let waiting = false;
    for (let i = 0; i < 500 && !waiting; i++) {
      const [row] = await db.sql`SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = ${pid}`;
      waiting = row?.wait_event_type === 'Lock' && /DELETE FROM log_pending/.test(row.query);
      if (!waiting) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting).toBe(true);
    await writerA`COMMIT`; // A's lower id becomes visible between the two statements
    writerA.release();
    await holder`COMMIT`;
    holder.release();
    const r = await run;
    expect(r!.appended).toBe(2);
    expect(await entryAt(db.sql, tree.size)).toEqual(early);
    expect(await entryAt(db.sql, tree.size + 1)).toEqual(late);
    expect(await waitForIndex(db.sql, idA, 0)).toBe(tree.size);
    tree.append(early);
    tree.append(late);
    expect(r!.root).toEqual(tree.root());
  });
});

describe('a failing batch changes nothing', () => {
  test('a signer that throws rolls the batch back; the next integration carries on', async () => {
    const entries = randomEntries(300);
    await appendPending(db.sql, entries);
    const before = await counts();
    const cp = await latestCheckpoint(db.sql);
    await expect(
      integrate(db.sql, {
        ...key,
        signCheckpoint: () => {
          throw new Error('HSM unavailable');
        },
      }),
    ).rejects.toThrow('HSM unavailable');
    expect(await counts()).toEqual(before);
    expect(await latestCheckpoint(db.sql)).toEqual(cp);
    const r = await integrate(db.sql, key);
    for (const e of entries) tree.append(e);
    expect(r).toMatchObject({ size: tree.size, root: tree.root(), appended: 300 });
  });

  test('a signer returning something else than a signed note of the body is a CheckpointSigningError', async () => {
    await appendPending(db.sql, randomEntries(2));
    const before = await counts();
    const wrong = [
      () => 'not a note',
      (body: string) => key.signCheckpoint(body.replace(/\n\d+\n/, '\n1\n')),
      () => 42 as unknown as string,
    ];
    for (const signCheckpoint of wrong) {
      const err = await integrate(db.sql, { ...key, signCheckpoint }).catch((e) => e);
      expect(err).toBeInstanceOf(CheckpointSigningError);
      expect(await counts()).toEqual(before);
    }
  });

  test('bad options are LogArgumentErrors', async () => {
    for (const maxBatch of [0, -1, 1.5, 65537, NaN]) {
      await expect(integrate(db.sql, { ...key, maxBatch })).rejects.toBeInstanceOf(LogArgumentError);
    }
    await expect(integrate(db.sql, { ...key, origin: '' })).rejects.toBeInstanceOf(LogArgumentError);
    await expect(integrate(db.sql, { origin: 'x' } as never)).rejects.toBeInstanceOf(LogArgumentError);
  });
});
