// Malformed arguments to the Merkle functions are rejected with typed errors (FormatError for a
// bad value, ProofError for values that contradict each other) and messages naming the culprit.
import { describe, expect, test } from 'vitest';
import {
  emptyRoot,
  FormatError,
  leafHash,
  nodeHash,
  ProofError,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '@glasskey/verifier';
import { ReferenceTree } from '../helpers/reference-tree.ts';

const tree = ReferenceTree.fromEntries(Array.from({ length: 11 }, (_, i) => new Uint8Array([i])));
const leaf = tree.leafHashes[3];
const proof = tree.inclusionProof(3, 11);
const root = tree.root(11);
const short = new Uint8Array(31);
const long = new Uint8Array(33);

describe('bad sizes and indices', () => {
  const bad: unknown[] = [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -1n, 1n << 64n, '3', null, undefined, {}];

  test('valid control: the same call with good arguments verifies', () => {
    verifyInclusion(3, 11, leaf, proof, root);
    verifyConsistency(4, 11, tree.root(4), root, tree.consistencyProof(4, 11));
  });

  test.each(bad.map((v) => [String(v), v]))('index %s', (_name, v) => {
    expect(() => verifyInclusion(v as number, 11, leaf, proof, root)).toThrow(FormatError);
    expect(() => verifyInclusion(v as number, 11, leaf, proof, root)).toThrow(/leaf index/);
  });

  test.each(bad.map((v) => [String(v), v]))('tree size %s', (_name, v) => {
    expect(() => verifyInclusion(3, v as number, leaf, proof, root)).toThrow(/tree size/);
    expect(() => verifyConsistency(v as number, 11, root, root, [])).toThrow(/size1/);
    expect(() => verifyConsistency(4, v as number, root, root, [])).toThrow(/size2/);
    for (const f of [
      () => verifyInclusion(3, v as number, leaf, proof, root),
      () => verifyConsistency(v as number, 11, root, root, []),
      () => verifyConsistency(4, v as number, root, root, []),
    ]) {
      expect(f).toThrow(FormatError);
    }
  });

  test('the largest accepted values', () => {
    expect(() => rootFromInclusionProof(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, leaf, [])).toThrow(ProofError);
    expect(() => rootFromInclusionProof((1n << 64n) - 1n, (1n << 64n) - 1n, leaf, [])).toThrow(/not below tree size/);
  });

  test('index >= size is a ProofError', () => {
    expect(() => verifyInclusion(11, 11, leaf, proof, root)).toThrow(ProofError);
    expect(() => verifyInclusion(12, 11, leaf, proof, root)).toThrow(/leaf index 12 is not below tree size 11/);
    expect(() => verifyInclusion(0, 0, leaf, [], emptyRoot())).toThrow(ProofError);
    expect(() => verifyInclusion(11n, 11n, leaf, proof, root)).toThrow(ProofError);
  });

  test('size1 > size2 is a ProofError', () => {
    expect(() => verifyConsistency(12, 11, root, root, [])).toThrow(ProofError);
    expect(() => verifyConsistency(1, 0, root, emptyRoot(), [])).toThrow(/size1 1 is larger than size2 0/);
  });
});

describe('bad hashes', () => {
  test.each([
    ['31 bytes', short],
    ['33 bytes', long],
    ['empty', new Uint8Array(0)],
    ['not bytes', 'x'.repeat(32)],
    ['an array', Array.from({ length: 32 }, () => 0)],
  ])('%s', (_name, bad) => {
    const h = bad as Uint8Array;
    expect(() => verifyInclusion(3, 11, h, proof, root)).toThrow(FormatError);
    expect(() => verifyInclusion(3, 11, h, proof, root)).toThrow(/leaf hash/);
    expect(() => verifyInclusion(3, 11, leaf, proof, h)).toThrow(/inclusion proof: root/);
    expect(() => verifyInclusion(3, 11, leaf, [proof[0], h, ...proof.slice(2)], root)).toThrow(/hash 1/);
    expect(() => verifyConsistency(4, 11, h, root, tree.consistencyProof(4, 11))).toThrow(FormatError);
    expect(() => verifyConsistency(4, 11, tree.root(4), h, tree.consistencyProof(4, 11))).toThrow(/root2/);
    expect(() => verifyConsistency(4, 11, tree.root(4), root, [h])).toThrow(/consistency proof: hash 0/);
    expect(() => verifyConsistency(0, 11, emptyRoot(), h, [])).toThrow(FormatError);
    expect(() => nodeHash(h, leaf)).toThrow(/left child/);
    expect(() => nodeHash(leaf, h)).toThrow(/right child/);
  });

  test('a proof that is not an array', () => {
    expect(() => verifyInclusion(3, 11, leaf, proof[0] as unknown as Uint8Array[], root)).toThrow(FormatError);
    expect(() => verifyConsistency(4, 11, tree.root(4), root, null as unknown as Uint8Array[])).toThrow(FormatError);
  });

  test('leafHash needs bytes', () => {
    expect(() => leafHash('abc' as unknown as Uint8Array)).toThrow(FormatError);
  });
});

describe('proof shape errors name what failed', () => {
  test('wrong proof length', () => {
    expect(() => verifyInclusion(3, 11, leaf, proof.slice(1), root)).toThrow(
      /has 3 hashes, leaf 3 in a tree of size 11 needs 4/,
    );
    expect(() => verifyConsistency(4, 11, tree.root(4), root, [])).toThrow(/is empty/);
    expect(() => verifyConsistency(5, 11, tree.root(5), root, [root])).toThrow(/sizes 5 -> 11 need/);
    expect(() => verifyConsistency(5, 5, tree.root(5), tree.root(5), [root])).toThrow(/equal sizes must be empty/);
  });

  test('root mismatches', () => {
    expect(() => verifyInclusion(3, 11, leaf, proof, tree.root(10))).toThrow(/does not lead to the expected root/);
    const c = tree.consistencyProof(5, 11);
    expect(() => verifyConsistency(5, 11, tree.root(4), root, c)).toThrow(/does not lead to root1 of size 5/);
    expect(() => verifyConsistency(5, 11, tree.root(5), tree.root(10), c)).toThrow(/does not lead to root2 of size 11/);
    expect(() => verifyConsistency(5, 5, tree.root(5), tree.root(4), [])).toThrow(/sizes are equal \(5\) but the roots differ/);
  });

  test('errors carry stable codes', () => {
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as ProofError).code;
      }
      return 'none';
    };
    expect(code(() => verifyInclusion(3, 11, leaf, proof, tree.root(10)))).toBe('root-mismatch');
    expect(code(() => verifyInclusion(3, 11, leaf, proof.slice(1), root))).toBe('wrong-proof-length');
    expect(code(() => verifyInclusion(11, 11, leaf, proof, root))).toBe('index-out-of-range');
    expect(code(() => verifyConsistency(2, 1, root, root, []))).toBe('size-decreased');
    expect(code(() => verifyInclusion(-1, 11, leaf, proof, root))).toBe('bad-size');
    expect(code(() => verifyInclusion(3, 11, short, proof, root))).toBe('bad-hash');
  });
});
