// Proofs from stored hashes: for every (index, size) and (size1, size2) pair of a small log and
// many sampled pairs of a larger one, the log's proofs equal the reference proofs and verify
// with the verifier against reference roots; warm (cached tiles) and cold (inside a
// transaction: no cache) agree; a flipped bit fails; bad arguments are typed errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRoot, leafHash, verifyConsistency, verifyInclusion, ProofError } from '@glasskey/verifier';
import { consistencyProof, entryAt, inclusionProof, LogArgumentError, LogRangeError, rootAt, tileCacheOf } from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { growLog, testLogKey } from './log-fixture.ts';

let db: TestDatabase;
const key = testLogKey();
const tree = new ReferenceTree();
const rnd = (n: number) => Math.floor(Math.random() * n);

beforeAll(async () => {
  db = await freshDatabase();
  // Small batches at the start (many partial tile rows), larger later; 1711 entries.
  await growLog(db.sql, key, tree, [1, 1, 2, 5, 13, 40, 100, 3, 250, 1, 300, 995]);
});
afterAll(async () => db?.close());

async function checkInclusion(sql: Parameters<typeof inclusionProof>[0], index: number, size: number) {
  const proof = await inclusionProof(sql, index, size);
  expect(proof).toEqual(tree.inclusionProof(index, size));
  verifyInclusion(index, size, leafHash(await entryOf(index)), proof, tree.root(size));
}

// The leaf hash the verifier computes from the entry bytes (not the log's own hash).
const entries = new Map<number, Uint8Array>();
async function entryOf(index: number): Promise<Uint8Array> {
  let e = entries.get(index);
  if (!e) {
    e = (await entryAt(db.sql, index))!;
    entries.set(index, e);
  }
  return e;
}

async function checkConsistency(sql: Parameters<typeof consistencyProof>[0], size1: number, size2: number) {
  const proof = await consistencyProof(sql, size1, size2);
  expect(proof).toEqual(tree.consistencyProof(size1, size2));
  verifyConsistency(size1, size2, tree.root(size1), tree.root(size2), proof);
}

describe('inclusion proofs', () => {
  test('every (index, size) with size <= 100 equals the reference and verifies', async () => {
    for (let size = 1; size <= 100; size++) for (let i = 0; i < size; i++) await checkInclusion(db.sql, i, size);
  });

  test('2,000 sampled pairs up to the whole tree equal the reference and verify', async () => {
    for (let k = 0; k < 2000; k++) {
      const size = k % 4 === 0 ? tree.size : 1 + rnd(tree.size);
      await checkInclusion(db.sql, k % 10 === 0 ? size - 1 : rnd(size), size);
    }
  });

  test('cold (in a transaction, no tile cache) equals warm', async () => {
    await db.sql.begin(async (tx) => {
      for (let k = 0; k < 200; k++) {
        const size = 1 + rnd(tree.size);
        await checkInclusion(tx, rnd(size), size);
      }
    });
    const fresh = db.connect(2);
    for (let k = 0; k < 100; k++) await checkInclusion(fresh, rnd(tree.size), tree.size);
    expect(tileCacheOf(fresh).misses).toBeGreaterThan(0);
    expect(tileCacheOf(fresh).hits).toBeGreaterThan(0);
  });

  test('a flipped bit in any proof hash fails verification', async () => {
    const index = 1000;
    const proof = await inclusionProof(db.sql, index, tree.size);
    const leaf = leafHash(await entryOf(index));
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((h) => h.slice());
      bad[i][rnd(32)] ^= 1 << rnd(8);
      expect(() => verifyInclusion(index, tree.size, leaf, bad, tree.root())).toThrow(ProofError);
    }
  });
});

describe('consistency proofs', () => {
  test('every 0 <= size1 <= size2 <= 100 equals the reference and verifies', async () => {
    for (let s2 = 0; s2 <= 100; s2++) for (let s1 = 0; s1 <= s2; s1++) await checkConsistency(db.sql, s1, s2);
  });

  test('2,000 sampled pairs up to the whole tree equal the reference and verify', async () => {
    for (let k = 0; k < 2000; k++) {
      const s2 = k % 4 === 0 ? tree.size : 1 + rnd(tree.size);
      await checkConsistency(db.sql, rnd(s2 + 1), s2);
    }
  });

  test('cold equals warm', async () => {
    await db.sql.begin(async (tx) => {
      for (let k = 0; k < 200; k++) await checkConsistency(tx, 1 + rnd(tree.size - 1), tree.size);
    });
  });

  test('a flipped bit fails verification', async () => {
    const proof = await consistencyProof(db.sql, 700, tree.size);
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((h) => h.slice());
      bad[i][rnd(32)] ^= 1 << rnd(8);
      expect(() => verifyConsistency(700, tree.size, tree.root(700), tree.root(), bad)).toThrow(ProofError);
    }
  });

  test('from size 0 is empty and consistent with the empty root', async () => {
    expect(await consistencyProof(db.sql, 0, tree.size)).toEqual([]);
    verifyConsistency(0, tree.size, emptyRoot(), tree.root(), []);
  });
});

describe('roots', () => {
  test('rootAt is the reference root for sizes 0..size, cold and warm', async () => {
    expect(await rootAt(db.sql, 0)).toEqual(emptyRoot());
    for (let s = 0; s <= tree.size; s += 1 + rnd(5)) expect(await rootAt(db.sql, s)).toEqual(tree.root(s));
    await db.sql.begin(async (tx) => {
      for (let k = 0; k < 100; k++) {
        const s = rnd(tree.size + 1);
        expect(await rootAt(tx, s)).toEqual(tree.root(s));
      }
    });
  });
});

describe('bad arguments are typed errors', () => {
  const code = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e) => e,
    );
    return err && { type: err.constructor.name, code: err.code };
  };

  test('index >= size, size beyond the tree, size1 > size2', async () => {
    const n = tree.size;
    expect(await code(inclusionProof(db.sql, 5, 5))).toEqual({ type: 'LogRangeError', code: 'index-out-of-range' });
    expect(await code(inclusionProof(db.sql, 0, 0))).toEqual({ type: 'LogRangeError', code: 'index-out-of-range' });
    expect(await code(inclusionProof(db.sql, 0, n + 1))).toEqual({ type: 'LogRangeError', code: 'size-beyond-tree' });
    expect(await code(consistencyProof(db.sql, 3, n + 1))).toEqual({ type: 'LogRangeError', code: 'size-beyond-tree' });
    expect(await code(consistencyProof(db.sql, 0, n + 1))).toEqual({ type: 'LogRangeError', code: 'size-beyond-tree' });
    expect(await code(consistencyProof(db.sql, 9, 8))).toEqual({ type: 'LogRangeError', code: 'size-order' });
    expect(await code(rootAt(db.sql, n + 1))).toEqual({ type: 'LogRangeError', code: 'size-beyond-tree' });
    await db.sql.begin(async (tx) => {
      expect(await code(inclusionProof(tx, 0, n + 1))).toEqual({ type: 'LogRangeError', code: 'size-beyond-tree' });
    });
    expect(await code(inclusionProof(db.sql, n - 1, n))).toBeNull();
  });

  test('negative, fractional, huge or non-number arguments', async () => {
    const bad = [-1, 1.5, NaN, Infinity, 2 ** 53, '3', null];
    for (const x of bad) {
      await expect(inclusionProof(db.sql, x as number, 10)).rejects.toBeInstanceOf(LogArgumentError);
      await expect(inclusionProof(db.sql, 1, x as number)).rejects.toBeInstanceOf(LogArgumentError);
      await expect(consistencyProof(db.sql, x as number, 10)).rejects.toBeInstanceOf(LogArgumentError);
      await expect(consistencyProof(db.sql, 1, x as number)).rejects.toBeInstanceOf(LogArgumentError);
      await expect(rootAt(db.sql, x as number)).rejects.toBeInstanceOf(LogArgumentError);
    }
    expect(LogRangeError.name).toBe('LogRangeError');
  });
});
