// The verifier's hashing and the test oracle (test/helpers/reference-tree.ts) against the
// published reference tree (transparency-dev/merkle testonly/constants.go): leaf hashes, node
// hashes, the roots of sizes 0..8, and the happy-path proofs of the upstream vectors.
import { describe, expect, test } from 'vitest';
import { emptyRoot, hexDecode, hexEncode, leafHash, nodeHash, verifyConsistency, verifyInclusion } from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';
import { loadConsistencyVectors, loadInclusionVectors } from '../helpers/merkle-vectors.ts';
import {
  referenceConsistencyProof,
  referenceInclusionProof,
  referenceLeafHash,
  referenceRoot,
  ReferenceTree,
} from '../helpers/reference-tree.ts';

const ref = readVectorJson('merkle/reference-tree.json');
const entries: Uint8Array[] = ref.leafInputsHex.map((h: string) => hexDecode(h));
const leafHashes: Uint8Array[] = ref.leafHashesHex.map((h: string) => hexDecode(h));
const roots: Uint8Array[] = ref.rootsHex.map((h: string) => hexDecode(h));

describe('reference tree constants', () => {
  test('the file has 8 leaves and 9 roots', () => {
    expect(entries).toHaveLength(8);
    expect(roots).toHaveLength(9);
    for (let n = 0; n <= 8; n++) expect(ref.rootsBySize[String(n)]).toBe(ref.rootsHex[n]);
  });

  test('leafHash and referenceLeafHash give the published leaf hashes', () => {
    entries.forEach((e, i) => {
      expect(hexEncode(leafHash(e))).toBe(ref.leafHashesHex[i]);
      expect(hexEncode(referenceLeafHash(e))).toBe(ref.leafHashesHex[i]);
    });
  });

  test('emptyRoot is the published root of size 0', () => {
    expect(emptyRoot()).toEqual(roots[0]);
    // A fresh copy each time: changing one does not change the next.
    const r = emptyRoot();
    r[0] ^= 1;
    expect(emptyRoot()).toEqual(roots[0]);
  });

  test('nodeHash gives every published complete-subtree hash', () => {
    const levels: string[][] = ref.nodeHashesHex;
    expect(levels[0]).toEqual(ref.leafHashesHex);
    for (let level = 1; level < levels.length; level++) {
      levels[level].forEach((hex, i) => {
        const left = hexDecode(levels[level - 1][2 * i]);
        const right = hexDecode(levels[level - 1][2 * i + 1]);
        expect(hexEncode(nodeHash(left, right)), `level ${level} node ${i}`).toBe(hex);
      });
    }
  });

  test('referenceRoot and ReferenceTree give the published roots of sizes 0..8', () => {
    const fromEntries = ReferenceTree.fromEntries(entries);
    const fromHashes = ReferenceTree.fromLeafHashes(leafHashes);
    for (let n = 0; n <= 8; n++) {
      expect(hexEncode(referenceRoot(leafHashes, n)), `size ${n}`).toBe(ref.rootsHex[n]);
      expect(hexEncode(fromEntries.root(n))).toBe(ref.rootsHex[n]);
      expect(hexEncode(fromHashes.root(n))).toBe(ref.rootsHex[n]);
    }
    expect(hexEncode(referenceRoot(leafHashes))).toBe(ref.rootsHex[8]);
  });

  test('ReferenceTree.subtreeHash gives every published node hash', () => {
    const tree = ReferenceTree.fromLeafHashes(leafHashes);
    (ref.nodeHashesHex as string[][]).forEach((row, level) =>
      row.forEach((hex, i) => expect(hexEncode(tree.subtreeHash(i << level, 1 << level))).toBe(hex)),
    );
  });

  test('every reference proof over the 8 leaves verifies', () => {
    const tree = ReferenceTree.fromLeafHashes(leafHashes);
    for (let size = 1; size <= 8; size++) {
      for (let i = 0; i < size; i++) {
        const proof = referenceInclusionProof(leafHashes, i, size);
        expect(tree.inclusionProof(i, size)).toEqual(proof);
        verifyInclusion(i, size, leafHashes[i], proof, roots[size]);
      }
    }
    for (let size2 = 0; size2 <= 8; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        const proof = referenceConsistencyProof(leafHashes, size1, size2);
        expect(tree.consistencyProof(size1, size2)).toEqual(proof);
        verifyConsistency(size1, size2, roots[size1], roots[size2], proof);
      }
    }
  });
});

describe('the reference proofs are the upstream happy-path proofs', () => {
  // The happy paths are built over the same 8 leaves (plus one single-entry tree of another leaf).
  test('inclusion', () => {
    const happy = loadInclusionVectors().filter((v) => !v.wantErr && v.root.every((b, i) => b === roots[v.treeSize][i]));
    expect(happy.length).toBeGreaterThanOrEqual(5);
    for (const v of happy) {
      expect(v.leafHash).toEqual(leafHashes[v.leafIdx]);
      expect(referenceInclusionProof(leafHashes, v.leafIdx, v.treeSize), v.file).toEqual(v.proof);
    }
  });

  test('consistency', () => {
    // One happy path (sizes-are-equal-one-and-proof-is-empty) uses made-up roots: skipped here.
    const happy = loadConsistencyVectors().filter((v) => !v.wantErr && v.root2.length === 32);
    expect(happy).toHaveLength(5);
    for (const v of happy) {
      expect(v.root1).toEqual(roots[v.size1]);
      expect(v.root2).toEqual(roots[v.size2]);
      expect(referenceConsistencyProof(leafHashes, v.size1, v.size2), v.file).toEqual(v.proof);
    }
  });
});
