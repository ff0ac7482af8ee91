// The sequencer and waitForIndex: a NOTIFY wakes the sequencer at once (the poll is set far
// off), the poll catches entries that came without one, stop() lets the batch in progress
// commit and integrates nothing after, failures go to onError and the sequencer carries on;
// waitForIndex answers once integrated and otherwise ends in typed errors.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  appendPending,
  entryAt,
  latestCheckpoint,
  LogArgumentError,
  LogError,
  startSequencer,
  type Sequencer,
  waitForIndex,
  WaitTimeoutError,
} from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { bundleItem } from '../../log/tile-rows.ts';
import { randomEntries, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const tree = new ReferenceTree();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

// Sequencers a test started, stopped even when the test fails (so one failure does not run on
// into the next test).
const running: Sequencer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
function start(...args: Parameters<typeof startSequencer>): Sequencer {
  const seq = startSequencer(...args);
  running.push(seq);
  return seq;
}

async function size() {
  return (await latestCheckpoint(db.sql))?.size ?? 0;
}

describe('startSequencer', () => {
  test('a NOTIFY from appendPending wakes it: integrated long before the poll', async () => {
    const errors: unknown[] = [];
    const seq = start(db.connect(2), { ...key, intervalMs: 600_000, onError: (e) => errors.push(e) });
    await seq.ready;
    for (let round = 0; round < 3; round++) {
      const entries = randomEntries(5);
      const t0 = Date.now();
      const ids = await appendPending(db.sql, entries);
      const index = await waitForIndex(db.sql, ids[4], 10_000);
      expect(Date.now() - t0).toBeLessThan(10_000);
      for (const e of entries) tree.append(e);
      expect(index).toBe(tree.size - 1);
      expect(await entryAt(db.sql, index)).toEqual(entries[4]);
    }
    await seq.stop();
    expect(errors).toEqual([]);
    expect((await latestCheckpoint(db.sql))!.root).toEqual(tree.root());
  });

  test('the poll integrates entries that came without a NOTIFY', async () => {
    const seq = start(db.connect(2), { ...key, intervalMs: 100 });
    await sleep(150);
    const entries = randomEntries(3);
    await db.sql`INSERT INTO log_pending (item) SELECT unnest(${db.sql.array(entries.map((e) => Buffer.from(bundleItem(e))))}::bytea[])`;
    for (const e of entries) tree.append(e);
    const deadline = Date.now() + 10_000;
    while ((await size()) < tree.size && Date.now() < deadline) await sleep(20);
    await seq.stop();
    expect((await latestCheckpoint(db.sql))!.root).toEqual(tree.root());
  });

  test('drains a backlog in batches of maxBatch without waiting between them', async () => {
    const entries = randomEntries(1000);
    await appendPending(db.sql, entries);
    for (const e of entries) tree.append(e);
    const sizes: number[] = [];
    const t0 = Date.now();
    const seq = start(db.connect(2), { ...key, maxBatch: 100, intervalMs: 600_000, onIntegrated: (r) => sizes.push(r.appended) });
    await seq.ready;
    while ((await size()) < tree.size && Date.now() - t0 < 20_000) await sleep(20);
    await seq.stop();
    expect(sizes).toEqual(Array(10).fill(100));
    expect((await latestCheckpoint(db.sql))!.root).toEqual(tree.root());
  });

  test('stop() lets the batch in progress commit, then integrates nothing more', async () => {
    let signing!: () => void;
    const started = new Promise<void>((r) => (signing = r));
    const seq = start(db.connect(2), {
      ...key,
      intervalMs: 50,
      signCheckpoint: async (body) => {
        signing();
        await sleep(300);
        return key.signCheckpoint(body);
      },
    });
    const entries = randomEntries(4);
    await appendPending(db.sql, entries);
    for (const e of entries) tree.append(e);
    await started;
    await seq.stop();
    expect(await size()).toBe(tree.size); // committed before stop() resolved
    await appendPending(db.sql, randomEntries(2));
    await sleep(300);
    expect(await size()).toBe(tree.size); // nothing after
    const more = await db.sql`DELETE FROM log_pending RETURNING id`;
    expect(more.length).toBe(2);
  });

  test('errors go to onError and the sequencer carries on', async () => {
    const errors: unknown[] = [];
    let fail = 2;
    const seq = start(db.connect(2), {
      ...key,
      intervalMs: 30,
      onError: (e) => errors.push(e),
      signCheckpoint: (body) => {
        if (fail-- > 0) throw new Error('signer down');
        return key.signCheckpoint(body);
      },
    });
    const entries = randomEntries(3);
    const ids = await appendPending(db.sql, entries);
    for (const e of entries) tree.append(e);
    expect(await waitForIndex(db.sql, ids[2], 10_000)).toBe(tree.size - 1);
    await seq.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['signer down', 'signer down']);
    expect((await latestCheckpoint(db.sql))!.root).toEqual(tree.root());
  });

  test('bad options are LogArgumentErrors', () => {
    expect(() => startSequencer(db.sql, { ...key, intervalMs: 0 })).toThrow(LogArgumentError);
    expect(() => startSequencer(db.sql, { ...key, maxBatch: 0 })).toThrow(LogArgumentError);
    expect(() => startSequencer(db.sql, { origin: 'x' } as never)).toThrow(LogArgumentError);
  });
});

describe('waitForIndex', () => {
  test('times out with a WaitTimeoutError while nobody integrates', async () => {
    const [id] = await appendPending(db.sql, randomEntries(1));
    const t0 = Date.now();
    const err = await waitForIndex(db.sql, id, 300).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err).toMatchObject({ code: 'wait-timeout', pendingId: id, timeoutMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await db.sql`DELETE FROM log_pending WHERE id = ${id}`;
  });

  test('an id that is neither pending nor integrated is an error at once', async () => {
    const err = await waitForIndex(db.sql, 10 ** 12, 60_000).catch((e) => e);
    expect(err).toBeInstanceOf(LogError);
    expect(err.code).toBe('unknown-pending-id');
  });

  test('bad arguments are LogArgumentErrors', async () => {
    for (const [id, ms] of [
      [0, 10],
      [-1, 10],
      [1.5, 10],
      [1, -1],
      [1, NaN],
    ]) {
      await expect(waitForIndex(db.sql, id, ms)).rejects.toBeInstanceOf(LogArgumentError);
    }
  });
});
