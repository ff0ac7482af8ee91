// HeadStore over the memory, JSON file and localStorage backends: first checkpoint, advance
// with a consistency proof, same size, rollback, forks (same size; larger with the stored size
// a power of two or not) yielding SplitViewEvidence that verifySplitViewEvidence accepts, and
// proofs that fail without showing a fork. Proofs come from real logs (FakeLog).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  HeadStore,
  localStorageStorage,
  memoryStorage,
  openCheckpoint,
  ProofError,
  RollbackError,
  SplitViewError,
  StorageUnavailableError,
  verifySplitViewEvidence,
  type ConsistencyProofSource,
  type KeyValueStorage,
  type OpenedCheckpoint,
} from '@glasskey/verifier';
import { jsonFileStorage } from '@glasskey/verifier/node';
import { FakeLog, makeKeys } from './monitor-fake-server.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function opened(log: FakeLog, size = log.size): OpenedCheckpoint {
  return openCheckpoint(log.checkpoint(size), log.policy);
}

/** Consistency proofs served by a log (as GET /api/v1/proof/consistency would). */
const proofsOf = (log: FakeLog) => async (m: number, n: number) => log.consistencyProof(m, n);

/** A log of n random entries, and a fork of it sharing the first `common` entries, grown to `forkSize`. */
function forked(n: number, common: number, forkSize: number): { log: FakeLog; fork: FakeLog } {
  const log = new FakeLog(makeKeys('fork.test.example', 1));
  log.appendRandom(n);
  const fork = log.fork(common);
  fork.appendRandom(forkSize - common);
  return { log, fork };
}

function expectSplitView(e: unknown, log: FakeLog): void {
  expect(e).toBeInstanceOf(SplitViewError);
  const evidence = (e as SplitViewError).evidence;
  const roundTripped = JSON.parse(JSON.stringify(evidence));
  expect(verifySplitViewEvidence(roundTripped, log.policy).origin).toBe(log.keys.origin);
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const backends: [string, () => Promise<KeyValueStorage>][] = [
  ['memory', async () => memoryStorage()],
  [
    'file',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'glasskey-heads-'));
      dirs.push(dir);
      return jsonFileStorage(join(dir, 'sub', 'heads.json'));
    },
  ],
];

describe.each(backends)('HeadStore on %s storage', (_, makeStorage) => {
  test('first, advance with a proof, same size, then rollback', async () => {
    const log = new FakeLog();
    log.appendRandom(10);
    const store = new HeadStore(await makeStorage());
    expect((await store.update(opened(log), proofsOf(log))).status).toBe('first');
    log.appendRandom(7);
    const r = await store.update(opened(log), proofsOf(log));
    expect(r).toMatchObject({ status: 'advanced', previousSize: 10 });
    expect((await store.head(log.keys.origin))!.size).toBe(17);
    expect((await store.update(opened(log), proofsOf(log))).status).toBe('same');
    const e = await caught(store.update(opened(log, 12), proofsOf(log)));
    expect(e).toBeInstanceOf(RollbackError);
    expect(e).toMatchObject({ code: 'rollback', storedSize: 17, offeredSize: 12 });
    expect((await store.head(log.keys.origin))!.size).toBe(17);
  });

  test('a fork of the same size is a split view', async () => {
    const { log, fork } = forked(20, 15, 20);
    const store = new HeadStore(await makeStorage());
    await store.update(opened(log), proofsOf(log));
    const e = await caught(store.update(opened(fork), proofsOf(fork)));
    expectSplitView(e, log);
    expect(verifySplitViewEvidence((e as SplitViewError).evidence, log.policy).kind).toBe('same-size-different-roots');
    expect((await store.head(log.keys.origin))!.root).toEqual(log.root());
  });

  test.each([
    [13, 9, 30], // stored size not a power of two: the failing proof itself shows the other prefix
    [16, 12, 40], // a power of two: evidence from the proof of size 15
    [8, 3, 9],
  ])('a larger fork (stored %i, common %i, new %i) is a split view with evidence', async (stored, common, size) => {
    const { log, fork } = forked(stored, common, size);
    const store = new HeadStore(await makeStorage());
    await store.update(opened(log), proofsOf(log));
    const e = await caught(store.update(opened(fork), proofsOf(fork)));
    expectSplitView(e, log);
    expect(verifySplitViewEvidence((e as SplitViewError).evidence, log.policy)).toMatchObject({
      kind: 'inconsistent-prefix',
      first: { size: stored },
      second: { size },
    });
    expect((await store.head(log.keys.origin))!.size).toBe(stored);
  });

  test('a proof that fails without showing a fork is a ProofError, and nothing is stored', async () => {
    const log = new FakeLog();
    log.appendRandom(13);
    const store = new HeadStore(await makeStorage());
    await store.update(opened(log), proofsOf(log));
    log.appendRandom(20);
    const flipped = async (m: number, n: number) => {
      const p = log.consistencyProof(m, n);
      p[p.length - 1][3] ^= 1;
      return p;
    };
    const e = await caught(store.update(opened(log), flipped));
    expect(e).toBeInstanceOf(ProofError);
    expect(e).not.toBeInstanceOf(SplitViewError);
    expect((e as ProofError).code).toBe('inconsistent-checkpoint');
    expect((await store.head(log.keys.origin))!.size).toBe(13);
    expect((await store.update(opened(log), proofsOf(log))).status).toBe('advanced');
  });

  test('compare: older and newer consistent checkpoints are fine and not stored; forks are split views', async () => {
    const { log, fork } = forked(40, 25, 30);
    const store = new HeadStore(await makeStorage());
    await store.update(opened(log, 33), proofsOf(log));
    expect(await store.compare(opened(log, 21), proofsOf(log))).toBe('older-consistent');
    expect(await store.compare(opened(log, 40), proofsOf(log))).toBe('newer-consistent');
    expect((await store.head(log.keys.origin))!.size).toBe(33);
    expectSplitView(await caught(store.compare(opened(fork, 30), proofsOf(log))), log);
  });
});

test('a fork at size 2 needs a source that can give earlier roots (tiles): rootAt makes the evidence', async () => {
  const { log, fork } = forked(2, 1, 9);
  const store = new HeadStore(memoryStorage());
  await store.update(opened(log), proofsOf(log));
  const withoutRoots = await caught(store.update(opened(fork), proofsOf(fork)));
  expect((withoutRoots as ProofError).code).toBe('inconsistent-checkpoint');
  const source: ConsistencyProofSource = { consistencyProof: proofsOf(fork), rootAt: async (m) => fork.root(m) };
  expectSplitView(await caught(store.update(opened(fork), source)), log);
});

test('the file store survives a new process (new instance), writes atomically and keeps other keys', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'glasskey-heads-'));
  dirs.push(dir);
  const path = join(dir, 'heads.json');
  const log = new FakeLog();
  log.appendRandom(5);
  const other = new FakeLog(makeKeys('other.log.example', 0));
  other.appendRandom(3);
  await Promise.all([
    new HeadStore(jsonFileStorage(path)).update(opened(log), proofsOf(log)),
    new HeadStore(jsonFileStorage(path)).head('nothing'),
  ]);
  const storage = jsonFileStorage(path);
  await new HeadStore(storage).update(opened(other), proofsOf(other));
  const fresh = new HeadStore(jsonFileStorage(path));
  expect((await fresh.head(log.keys.origin))!.size).toBe(5);
  expect((await fresh.head(other.keys.origin))!.size).toBe(3);
  expect(await readdir(dir)).toEqual(['heads.json']);
  expect(Object.keys(JSON.parse(await readFile(path, 'utf8'))).sort()).toEqual([`head:${log.keys.origin}`, `head:${other.keys.origin}`].sort());
  // many concurrent updates through one storage: serialized, the last size wins
  const s2 = new HeadStore(storage);
  const sizes = [6, 7, 8, 9];
  for (const n of sizes) log.appendRandom(1);
  await Promise.all(sizes.map((n) => s2.update(opened(log, n), proofsOf(log))));
  expect((await fresh.head(log.keys.origin))!.size).toBe(9);
});

test('localStorage storage: uses a Web Storage with a prefix, and says so when there is none', async () => {
  const map = new Map<string, string>();
  const fake = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
  const log = new FakeLog();
  log.appendRandom(4);
  (globalThis as { localStorage?: unknown }).localStorage = fake;
  try {
    const store = new HeadStore(localStorageStorage());
    await store.update(opened(log), proofsOf(log));
    expect([...map.keys()]).toEqual([`glasskey:head:${log.keys.origin}`]);
    expect((await new HeadStore(localStorageStorage()).head(log.keys.origin))!.size).toBe(4);
  } finally {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  }
  expect(() => localStorageStorage()).toThrow(StorageUnavailableError);
});
