// Property tests of the proof verifier against the RFC 9162 oracle (test/helpers/reference-tree.ts)
// over random trees up to a few thousand leaves: every reference proof verifies, any flipped
// bit of a proof hash, root or leaf is rejected, a wrong index is rejected, and a wrong size is
// rejected exactly when the literal RFC 9162 algorithm rejects it. Huge (u64) sizes are checked
// differentially against the literal RFC algorithms with random proof hashes.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesEqual,
  ProofError,
  rootFromInclusionProof,
  VerificationError,
  verifyConsistency,
  verifyInclusion,
} from '@glasskey/verifier';
import { ReferenceTree, rfcRootFromInclusionProof, rfcRootsFromConsistencyProof } from '../helpers/reference-tree.ts';

const N = 4100; // crosses 4096, so the trees have ragged right edges at several levels

// Entries of varying length (0..47 bytes), derived from their index so failures reproduce.
function entry(i: number): Uint8Array {
  const seed = sha256(new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255]));
  const long = new Uint8Array(48);
  long.set(seed);
  long.set(seed.subarray(0, 16), 32);
  return long.subarray(0, i % 48);
}
const big = ReferenceTree.fromEntries(Array.from({ length: N }, (_, i) => entry(i)));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

function accepts(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof ProofError)) throw e; // any other error would be a bug here
    return false;
  }
}

const sizeAndIndex = fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
const sizePair = fc
  .tuple(fc.integer({ min: 0, max: N }), fc.integer({ min: 0, max: N }))
  .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

describe('inclusion over random trees', () => {
  test('every reference proof verifies, with number and bigint arguments', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = big.inclusionProof(index, size);
        const leaf = big.leafHashes[index];
        const root = big.root(size);
        verifyInclusion(index, size, leaf, proof, root);
        verifyInclusion(BigInt(index), BigInt(size), leaf, proof, root);
        expect(rootFromInclusionProof(index, size, leaf, proof)).toEqual(root);
      }),
      { numRuns: 300 },
    );
  });

  test('all proofs of small trees of random entries verify', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 70 }), (entries) => {
        const tree = ReferenceTree.fromEntries(entries);
        for (let size = 1; size <= tree.size; size++) {
          const root = tree.root(size);
          for (let i = 0; i < size; i++) verifyInclusion(i, size, tree.leafHashes[i], tree.inclusionProof(i, size), root);
        }
      }),
      { numRuns: 30 },
    );
  });

  test('a flipped bit anywhere in the proof, the root or the leaf hash is rejected', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([size, index], which, bit) => {
        const proof = big.inclusionProof(index, size);
        const leaf = big.leafHashes[index];
        const root = big.root(size);
        const target = which % (proof.length + 2); // proof hashes, then root, then leaf
        const p = proof.slice();
        let r = root;
        let l = leaf;
        if (target < proof.length) p[target] = flipBit(p[target], bit);
        else if (target === proof.length) r = flipBit(root, bit);
        else l = flipBit(leaf, bit);
        expect(() => verifyInclusion(index, size, l, p, r)).toThrow(ProofError);
      }),
      { numRuns: 500 },
    );
  });

  test('every single bit flip is rejected, exhaustively, for a few proofs', () => {
    for (const [index, size] of [
      [0, 1000],
      [999, 1000],
      [517, 1000],
      [4095, 4097],
    ]) {
      const proof = big.inclusionProof(index, size);
      const leaf = big.leafHashes[index];
      const root = big.root(size);
      for (let bit = 0; bit < 256; bit++) {
        expect(accepts(() => verifyInclusion(index, size, flipBit(leaf, bit), proof, root))).toBe(false);
        expect(accepts(() => verifyInclusion(index, size, leaf, proof, flipBit(root, bit)))).toBe(false);
        for (let h = 0; h < proof.length; h++) {
          const p = proof.slice();
          p[h] = flipBit(p[h], bit);
          expect(accepts(() => verifyInclusion(index, size, leaf, p, root))).toBe(false);
        }
      }
      // Missing, extra and reordered hashes too.
      expect(accepts(() => verifyInclusion(index, size, leaf, proof.slice(1), root))).toBe(false);
      expect(accepts(() => verifyInclusion(index, size, leaf, proof.slice(0, -1), root))).toBe(false);
      expect(accepts(() => verifyInclusion(index, size, leaf, [...proof, root], root))).toBe(false);
      expect(accepts(() => verifyInclusion(index, size, leaf, [leaf, ...proof], root))).toBe(false);
      expect(accepts(() => verifyInclusion(index, size, leaf, [...proof].reverse(), root))).toBe(false);
    }
  });

  test('a wrong index is rejected', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(N + 10), ([size, index], other) => {
        fc.pre(other !== index);
        const proof = big.inclusionProof(index, size);
        expect(() => verifyInclusion(other, size, big.leafHashes[index], proof, big.root(size))).toThrow(ProofError);
      }),
      { numRuns: 300 },
    );
  });

  test('a wrong size is rejected exactly when the literal RFC 9162 algorithm rejects it', () => {
    // An inclusion proof binds the size only through the shape of the path: e.g. leaf 0 has the
    // same path shape in trees of size 5 and 6. The checkpoint signature binds size and root.
    let rejected = 0;
    fc.assert(
      fc.property(sizeAndIndex, fc.integer({ min: 0, max: N + 10 }), ([size, index], other) => {
        fc.pre(other !== size);
        const proof = big.inclusionProof(index, size);
        const leaf = big.leafHashes[index];
        const root = big.root(size);
        const rfc = rfcRootFromInclusionProof(BigInt(index), BigInt(other), leaf, proof);
        const ok = accepts(() => verifyInclusion(index, other, leaf, proof, root));
        expect(ok).toBe(rfc !== null && bytesEqual(rfc, root));
        if (!ok) rejected++;
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(200);
    const leaf0 = big.leafHashes[0];
    verifyInclusion(0, 6, leaf0, big.inclusionProof(0, 5), big.root(5));
    expect(() => verifyInclusion(0, 9, leaf0, big.inclusionProof(0, 8), big.root(8))).toThrow(ProofError);
  });
});

describe('consistency over random trees', () => {
  test('every reference proof verifies, with number and bigint arguments', () => {
    fc.assert(
      fc.property(sizePair, ([size1, size2]) => {
        const proof = big.consistencyProof(size1, size2);
        verifyConsistency(size1, size2, big.root(size1), big.root(size2), proof);
        verifyConsistency(BigInt(size1), BigInt(size2), big.root(size1), big.root(size2), proof);
      }),
      { numRuns: 300 },
    );
  });

  test('all proofs of small trees of random entries verify', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 70 }), (entries) => {
        const tree = ReferenceTree.fromEntries(entries);
        for (let size1 = 0; size1 <= tree.size; size1++) {
          verifyConsistency(size1, tree.size, tree.root(size1), tree.root(), tree.consistencyProof(size1));
        }
      }),
      { numRuns: 30 },
    );
  });

  test('a flipped bit anywhere in the proof or either root is rejected', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.nat(255), ([size1, size2], which, bit) => {
        const proof = big.consistencyProof(size1, size2);
        // From size 0 (empty proof) any root2 is consistent: only root1 can be flipped then.
        const targets = size1 === 0 && size2 > 0 ? 1 : proof.length + 2;
        const target = which % targets; // root1, root2, then proof hashes
        let r1 = big.root(size1);
        let r2 = big.root(size2);
        const p = proof.slice();
        if (target === 0) r1 = flipBit(r1, bit);
        else if (target === 1) r2 = flipBit(r2, bit);
        else p[target - 2] = flipBit(p[target - 2], bit);
        expect(() => verifyConsistency(size1, size2, r1, r2, p)).toThrow(ProofError);
      }),
      { numRuns: 500 },
    );
  });

  test('every single bit flip is rejected, exhaustively, for a few proofs', () => {
    for (const [size1, size2] of [
      [1, 1000],
      [300, 1000],
      [512, 1000],
      [999, 1000],
      [1000, 4097],
    ]) {
      const proof = big.consistencyProof(size1, size2);
      const r1 = big.root(size1);
      const r2 = big.root(size2);
      for (let bit = 0; bit < 256; bit++) {
        expect(accepts(() => verifyConsistency(size1, size2, flipBit(r1, bit), r2, proof))).toBe(false);
        expect(accepts(() => verifyConsistency(size1, size2, r1, flipBit(r2, bit), proof))).toBe(false);
        for (let h = 0; h < proof.length; h++) {
          const p = proof.slice();
          p[h] = flipBit(p[h], bit);
          expect(accepts(() => verifyConsistency(size1, size2, r1, r2, p))).toBe(false);
        }
      }
      expect(accepts(() => verifyConsistency(size1, size2, r1, r2, proof.slice(1)))).toBe(false);
      expect(accepts(() => verifyConsistency(size1, size2, r1, r2, proof.slice(0, -1)))).toBe(false);
      expect(accepts(() => verifyConsistency(size1, size2, r1, r2, [...proof, r2]))).toBe(false);
      expect(accepts(() => verifyConsistency(size1, size2, r1, r2, [r1, ...proof]))).toBe(false);
      expect(accepts(() => verifyConsistency(size1, size2, r2, r1, proof))).toBe(false);
    }
  });

  test('wrong sizes are rejected exactly when the literal RFC 9162 algorithm rejects them', () => {
    let rejected = 0;
    fc.assert(
      fc.property(sizePair, fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N }), ([size1, size2], a, b) => {
        fc.pre(size1 > 0 && size1 < size2);
        const [o1, o2] = a < b ? [a, b] : [b, a];
        fc.pre(o1 < o2 && (o1 !== size1 || o2 !== size2));
        const proof = big.consistencyProof(size1, size2);
        const r1 = big.root(size1);
        const r2 = big.root(size2);
        const rfc = rfcRootsFromConsistencyProof(BigInt(o1), BigInt(o2), r1, proof);
        const ok = accepts(() => verifyConsistency(o1, o2, r1, r2, proof));
        expect(ok).toBe(rfc !== null && bytesEqual(rfc.fr, r1) && bytesEqual(rfc.sr, r2));
        if (!ok) rejected++;
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(200);
  });
});

describe('u64 sizes agree with the literal RFC 9162 algorithms', () => {
  // Random u64 values, and values at and around powers of two (complete subtrees, word edges).
  const MAX = (1n << 64n) - 1n;
  const nearPowerOfTwo = fc
    .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: -3, max: 3 }))
    .map(([k, d]) => (1n << BigInt(k)) + BigInt(d))
    .filter((n) => n >= 1n && n <= MAX);
  const u64 = fc.oneof(fc.bigInt({ min: 1n, max: MAX }), nearPowerOfTwo);
  const pool = Array.from({ length: 130 }, (_, i) => sha256(new Uint8Array([i, 1])));

  test('inclusion: exactly one proof length is well-formed, and it computes the RFC root', () => {
    fc.assert(
      fc.property(u64, fc.oneof(fc.bigInt({ min: 0n, max: MAX }), nearPowerOfTwo), (size, i) => {
        const index = i % size;
        const leaf = pool[129];
        let wellFormed = 0;
        for (let len = 0; len <= 129; len++) {
          const proof = pool.slice(0, len);
          const rfc = rfcRootFromInclusionProof(index, size, leaf, proof);
          let ours: Uint8Array | null = null;
          try {
            ours = rootFromInclusionProof(index, size, leaf, proof);
          } catch (e) {
            expect(e).toBeInstanceOf(ProofError);
          }
          expect(ours).toEqual(rfc);
          if (ours) wellFormed++;
        }
        expect(wellFormed).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  test('consistency: exactly one proof length is well-formed, and it verifies with the RFC roots', () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        fc.pre(a !== b);
        const [size1, size2] = a < b ? [a, b] : [b, a];
        const root1 = pool[128];
        let wellFormed = 0;
        for (let len = 1; len <= 129; len++) {
          const proof = pool.slice(0, len);
          const rfc = rfcRootsFromConsistencyProof(size1, size2, root1, proof);
          if (rfc) {
            wellFormed++;
            verifyConsistency(size1, size2, rfc.fr, rfc.sr, proof);
          } else {
            expect(() => verifyConsistency(size1, size2, root1, root1, proof)).toThrow(/has \d+ hashes/);
          }
        }
        expect(wellFormed).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  test('the largest sizes work as numbers and as bigints', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const leaf = pool[0];
    // Leaf 2^53-2 of a tree of 2^53-1 leaves sits on the right edge: 52 left siblings, one per level.
    const proof = pool.slice(1, 1 + 52);
    const root = rootFromInclusionProof(max - 1, max, leaf, proof);
    expect(rfcRootFromInclusionProof(BigInt(max - 1), BigInt(max), leaf, proof)).toEqual(root);
    verifyInclusion(BigInt(max - 1), BigInt(max), leaf, proof, root);
    verifyInclusion(max - 1, max, leaf, proof, root);
    expect(() => verifyInclusion(max - 1, max, leaf, pool.slice(1, 1 + 53), root)).toThrow(VerificationError);
    expect(() => verifyInclusion(max - 1, max, leaf, proof, pool[99])).toThrow(ProofError);
    const top = (1n << 64n) - 1n;
    const proof64 = pool.slice(1, 1 + 63);
    const root64 = rootFromInclusionProof(top - 1n, top, leaf, proof64);
    expect(rfcRootFromInclusionProof(top - 1n, top, leaf, proof64)).toEqual(root64);
  });
});
