// The log's pure tree code against the independent reference tree: appending leaves in any
// batch split gives the reference root and frontier and the right tile-level hashes; proof
// plans give the reference proofs; integer helpers are exact up to 2^53; tile rows reassemble.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { foldRange, leafHashOf, nodeHashOf, emptyTreeRoot } from '../../log/hashing.ts';
import { consistencyRanges, inclusionRanges } from '../../log/proof-plan.ts';
import { appendLeaves, TreeAppender, type TreeFrontier } from '../../log/tree-append.ts';
import { assembleTile, cutEntries, cutHashes, splitAtTiles } from '../../log/tile-rows.ts';
import { largestPowerOfTwoBelow, rangeNodes, setBitHeights, locateNode, shiftRight } from '../../log/tree-math.ts';
import { ReferenceTree, referenceLeafHash, referenceNodeHash } from '../helpers/reference-tree.ts';
import { formatEntryBundle } from '@glasskey/verifier';
import { randomEntries } from './log-fixture.ts';

const hashOfRange = (tree: ReferenceTree, start: number, end: number) =>
  foldRange(rangeNodes(start, end).map((n) => tree.subtreeHash(n.index * 2 ** n.height, 2 ** n.height)));

describe('hashing', () => {
  test('node:crypto hashes equal the reference (noble) hashes', () => {
    for (const e of randomEntries(20)) expect(new Uint8Array(leafHashOf(e))).toEqual(referenceLeafHash(e));
    const [a, b] = randomEntries(2).map(referenceLeafHash);
    expect(new Uint8Array(nodeHashOf(a, b))).toEqual(referenceNodeHash(a, b));
    expect(emptyTreeRoot()).toEqual(new ReferenceTree().root(0));
  });
});

describe('appendLeaves', () => {
  const entries = randomEntries(1300);
  const tree = ReferenceTree.fromEntries(entries);
  const leaves = entries.map(leafHashOf);

  test('any batch split gives the reference root, frontier and tile-level hashes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }), (splits) => {
        let state: TreeFrontier = { size: 0, nodes: [] };
        const level1: Uint8Array[] = [];
        for (const n of splits) {
          const take = Math.min(n, leaves.length - state.size);
          if (take === 0) break;
          const r = appendLeaves(state, leaves.slice(state.size, state.size + take));
          const size = state.size + take;
          expect(new Uint8Array(r.root)).toEqual(tree.root(size));
          // The frontier is the compact range [0, size): one complete subtree per set bit.
          let at = 0;
          const expected = setBitHeights(size).map((h) => {
            const hash = tree.subtreeHash(at, 2 ** h);
            at += 2 ** h;
            return hash;
          });
          expect(r.frontier.nodes.map((x) => new Uint8Array(x))).toEqual(expected);
          expect(r.levels[0]).toMatchObject({ level: 0, first: state.size });
          const l1 = r.levels.find((l) => l.level === 1);
          if (l1) {
            expect(l1.first).toBe(level1.length);
            level1.push(...l1.hashes);
          }
          state = r.frontier;
        }
        expect(level1.length).toBe(Math.floor(state.size / 256));
        level1.forEach((h, i) => expect(new Uint8Array(h)).toEqual(tree.subtreeHash(i * 256, 256)));
      }),
      { numRuns: 40 },
    );
  });

  test('leaves fed in pieces give the same tree as all at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 5 }), (start, pieces) => {
        const before = appendLeaves({ size: 0, nodes: [] }, leaves.slice(0, start)).frontier;
        const appender = new TreeAppender(before);
        let at = start;
        for (const n of pieces) {
          appender.append(leaves.slice(at, at + n));
          at += n;
        }
        const expected = appendLeaves(before, leaves.slice(start, at));
        const got = appender.result();
        expect(appender.appended).toBe(at - start);
        expect(new Uint8Array(got.root)).toEqual(tree.root(at));
        const bytes = (xs: Uint8Array[]) => xs.map((x) => Buffer.from(x).toString('hex'));
        expect(bytes(got.frontier.nodes)).toEqual(bytes(expected.frontier.nodes));
        const upper = expected.levels.filter((l) => l.level > 0);
        expect(got.levels.map((l) => [l.level, l.first, bytes(l.hashes)])).toEqual(upper.map((l) => [l.level, l.first, bytes(l.hashes)]));
      }),
      { numRuns: 60 },
    );
  });

  test('a frontier of the wrong length is an integrity error', () => {
    expect(() => appendLeaves({ size: 3, nodes: [leaves[0]] }, [leaves[1]])).toThrow(/frontier/);
  });
});

describe('proof plans', () => {
  const tree = ReferenceTree.fromEntries(randomEntries(300));

  test('inclusion ranges give the reference proof for every (index, size) up to 100, and samples to 300', () => {
    const pairs: [number, number][] = [];
    for (let size = 1; size <= 100; size++) for (let i = 0; i < size; i++) pairs.push([i, size]);
    for (let k = 0; k < 2000; k++) {
      const size = 1 + Math.floor(Math.random() * 300);
      pairs.push([Math.floor(Math.random() * size), size]);
    }
    for (const [i, size] of pairs) {
      const proof = inclusionRanges(i, size).map(([a, b]) => new Uint8Array(hashOfRange(tree, a, b)));
      expect(proof).toEqual(tree.inclusionProof(i, size));
    }
  });

  test('consistency ranges give the reference proof for every 0 < size1 < size2 <= 100, and samples to 300', () => {
    const pairs: [number, number][] = [];
    for (let s2 = 2; s2 <= 100; s2++) for (let s1 = 1; s1 < s2; s1++) pairs.push([s1, s2]);
    for (let k = 0; k < 2000; k++) {
      const s2 = 2 + Math.floor(Math.random() * 299);
      pairs.push([1 + Math.floor(Math.random() * (s2 - 1)), s2]);
    }
    for (const [s1, s2] of pairs) {
      const proof = consistencyRanges(s1, s2).map(([a, b]) => new Uint8Array(hashOfRange(tree, a, b)));
      expect(proof).toEqual(tree.consistencyProof(s1, s2));
    }
  });
});

describe('tree arithmetic up to 2^53', () => {
  const safe = fc.bigInt({ min: 0n, max: 2n ** 53n - 1n });

  test('setBitHeights and largestPowerOfTwoBelow are exact', () => {
    fc.assert(
      fc.property(safe, (n) => {
        const heights = setBitHeights(Number(n));
        expect(heights.reduce((acc, h) => acc + 2n ** BigInt(h), 0n)).toBe(n);
        expect([...heights].sort((a, b) => b - a)).toEqual(heights);
        if (n > 1n) {
          const p = BigInt(largestPowerOfTwoBelow(Number(n)));
          expect(p < n && p * 2n >= n && (p & (p - 1n)) === 0n).toBe(true);
        }
        expect(BigInt(shiftRight(Number(n), 13))).toBe(n >> 13n);
      }),
      { numRuns: 2000 },
    );
  });

  test('rangeNodes covers [start, end) with aligned complete subtrees, largest first', () => {
    fc.assert(
      fc.property(safe, fc.integer({ min: 0, max: 51 }), fc.integer({ min: 0, max: 999 }), (a, h, k) => {
        const len = Number(a % 2n ** BigInt(h)) + 1;
        const start = 2 ** h * (k % 2 ** (52 - h));
        let at = start;
        for (const node of rangeNodes(start, start + len)) {
          expect(node.index * 2 ** node.height).toBe(at);
          at += 2 ** node.height;
        }
        expect(at).toBe(start + len);
      }),
    );
  });

  test('locateNode finds a node in its tile', () => {
    expect(locateNode({ height: 0, index: 513 })).toEqual({ level: 0, tile: 2, r: 0, j: 1, minWidth: 2 });
    expect(locateNode({ height: 3, index: 33 })).toEqual({ level: 0, tile: 1, r: 3, j: 1, minWidth: 16 });
    expect(locateNode({ height: 8, index: 300 })).toEqual({ level: 1, tile: 1, r: 0, j: 44, minWidth: 45 });
    expect(locateNode({ height: 17, index: 1 })).toEqual({ level: 2, tile: 0, r: 1, j: 1, minWidth: 4 });
  });
});

describe('tile rows', () => {
  const hashes = Array.from({ length: 256 }, (_, i) => new Uint8Array(32).fill(i));
  const tileBytes = (from: number, to: number) => Buffer.concat(hashes.slice(from, to));

  test('splitAtTiles cuts at tile boundaries', () => {
    const parts = splitAtTiles(250, Array.from({ length: 600 }, (_, i) => i));
    expect(parts.map(({ tile, start, width, items }) => [tile, start, width, items.length])).toEqual([
      [0, 250, 256, 6],
      [1, 0, 256, 256],
      [2, 0, 256, 256],
      [3, 0, 82, 82],
    ]);
  });

  test('a chain of additions reassembles to any width; a whole row wins', () => {
    const rows = [
      { start: 0, width: 3, data: tileBytes(0, 3) },
      { start: 3, width: 10, data: tileBytes(3, 10) },
      { start: 10, width: 11, data: tileBytes(10, 11) },
    ];
    for (let w = 1; w <= 11; w++) expect(assembleTile(rows, cutHashes, w)).toEqual({ width: w, data: tileBytes(0, w) });
    expect(assembleTile(rows, cutHashes, 12)).toBeNull();
    expect(assembleTile(rows, cutHashes)).toEqual({ width: 11, data: tileBytes(0, 11) });
    const full = [...rows, { start: 0, width: 256, data: tileBytes(0, 256) }];
    expect(assembleTile(full, cutHashes, 256)?.data).toEqual(tileBytes(0, 256));
    expect(assembleTile(full, cutHashes, 5)?.data).toEqual(tileBytes(0, 5));
    expect(assembleTile([], cutHashes, 1)).toBeNull();
  });

  test('entry bundles are cut by entry', () => {
    const entries = [new Uint8Array([1]), new Uint8Array(300).fill(7), new Uint8Array([2, 3])];
    const bytes = formatEntryBundle(entries);
    expect(new Uint8Array(cutEntries(bytes, 2))).toEqual(formatEntryBundle(entries.slice(0, 2)));
    expect(() => cutEntries(bytes, 4)).toThrow(/too short/);
  });
});
