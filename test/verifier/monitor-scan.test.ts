// The scanner's parts: the compact range (per-leaf and whole-subtree appends) equals the
// reference tree at every size and reports the nodes the tiles hold; the worker-thread bundle
// hasher equals the in-thread one; a scan with either reaches the checkpoint root from any
// starting edge, and reports the tile and index where served hashes disagree.
import { afterAll, expect, test } from 'vitest';
import {
  base64Encode,
  CompactRange,
  nobleSha256,
  scanToSize,
  splitEntryBundle,
  syncBundleHasher,
  TileMismatchError,
  type TileSource,
} from '@glasskey/verifier';
import { nodeSha256, workerBundleHasher } from '@glasskey/verifier/node';
import { referenceLeafHash, referenceRoot } from '../helpers/reference-tree.ts';
import { FakeLog } from './monitor-fake-server.ts';

const pool = workerBundleHasher(2);
afterAll(() => pool.close());

const log = new FakeLog();
log.appendRandom(256 * 5 + 77);
const leaves = Array.from({ length: log.size }, (_, i) => referenceLeafHash(log.entry(i)));

function memorySource(l: FakeLog, tamper?: (kind: string, index: number, body: Uint8Array) => Uint8Array): TileSource {
  return {
    hashTile: async (level, index, width) => {
      const t = l.hashTile(level, index, width)!;
      return tamper ? tamper(`tile/${level}`, index, t.slice()) : t;
    },
    entryBundle: async (index, width) => {
      const b = l.entryBundle(index, width)!;
      return splitEntryBundle(tamper ? tamper('entries', index, b.slice()) : b, width);
    },
  };
}

test('compact range: per-leaf and subtree appends give the reference roots and the tile nodes', () => {
  const perLeaf = new CompactRange(0, [], nobleSha256);
  const nodes: string[] = [];
  for (let i = 0; i < log.size; i++) {
    perLeaf.appendLeafHash(leaves[i], (h, j, hash) => {
      if (h % 8 === 0) nodes.push(`${h}/${j}/${base64Encode(hash)}`);
    });
    if (i % 97 === 0 || i === log.size - 1) expect(base64Encode(perLeaf.root())).toBe(base64Encode(referenceRoot(leaves, i + 1)));
    const copy = CompactRange.fromBase64(perLeaf.size, perLeaf.edgeBase64());
    expect(copy.size).toBe(i + 1);
  }
  expect(nodes.map((n) => n.split('/').slice(0, 2).join('/'))).toEqual(['8/0', '8/1', '8/2', '8/3', '8/4']);
  const bySubtree = new CompactRange(0, [], nodeSha256);
  const subtreeNodes: string[] = [];
  for (let b = 0; b < 5; b++) {
    bySubtree.appendSubtree(8, referenceRoot(leaves.slice(b * 256, b * 256 + 256)), (h, j, hash) => subtreeNodes.push(`${h}/${j}/${base64Encode(hash)}`));
  }
  expect(subtreeNodes.filter((n) => Number(n.split('/')[0]) % 8 === 0)).toEqual(nodes);
  for (let i = 1280; i < log.size; i++) bySubtree.appendLeafHash(leaves[i]);
  expect(base64Encode(bySubtree.root())).toBe(base64Encode(referenceRoot(leaves)));
  expect(() => new CompactRange(3, [leaves[0]])).toThrow(/needs 2 hashes/);
  expect(() => perLeaf.appendSubtree(8, leaves[0])).toThrow(RangeError);
});

test('the worker-thread hasher equals the in-thread one (full and partial bundles)', async () => {
  const sync = syncBundleHasher(nobleSha256);
  for (const [index, width] of [[0, 256], [5, 77], [2, 256], [1, 1]]) {
    const entries = splitEntryBundle(log.entryBundle(index, width)!, width);
    const [a, b] = await Promise.all([sync(entries), pool.hash(entries)]);
    expect(base64Encode(b.leaves)).toBe(base64Encode(a.leaves));
    expect(b.root && base64Encode(b.root)).toBe(a.root && base64Encode(a.root));
    expect(base64Encode(a.leaves.subarray(0, 32))).toBe(base64Encode(leaves[index * 256]));
    if (width === 256) expect(base64Encode(a.root!)).toBe(base64Encode(referenceRoot(leaves.slice(index * 256, index * 256 + 256))));
  }
});

test.each([
  ['in-thread', undefined],
  ['worker', pool.hash],
])('a scan (%s hashing) reaches the root from any edge', async (_, hashBundle) => {
  for (const start of [0, 1, 255, 256, 700, log.size - 1]) {
    const range = new CompactRange(0, [], nodeSha256);
    for (let i = 0; i < start; i++) range.appendLeafHash(leaves[i]);
    const seen: number[] = [];
    const r = await scanToSize({
      source: memorySource(log),
      range,
      targetSize: log.size,
      hashBundle,
      concurrency: 3,
      onBundle: (first, entries) => seen.push(first, entries.length),
    });
    expect(r).toBe('complete');
    expect(base64Encode(range.root())).toBe(base64Encode(log.root()));
    expect(seen[0]).toBe(start);
    expect(seen.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(log.size - start);
  }
});

test.each([
  ['in-thread', undefined],
  ['worker', pool.hash],
])('served hashes that disagree are caught where they are (%s hashing)', async (_, hashBundle) => {
  const scan = (tamper: Parameters<typeof memorySource>[1]) =>
    scanToSize({ source: memorySource(log, tamper), range: new CompactRange(), targetSize: log.size, hashBundle }).then(
      () => null,
      (e) => e as TileMismatchError,
    );
  const leafTile = await scan((kind, index, body) => {
    if (kind === 'tile/0' && index === 3) body[40 * 32 + 7] ^= 1;
    return body;
  });
  expect(leafTile).toBeInstanceOf(TileMismatchError);
  expect([leafTile!.level, leafTile!.index, leafTile!.path]).toEqual([0, 3 * 256 + 40, 'tile/0/003']);
  const upper = await scan((kind, _i, body) => {
    if (kind === 'tile/1') body[2 * 32] ^= 1;
    return body;
  });
  expect([upper!.level, upper!.index, upper!.path]).toEqual([1, 2, 'tile/1/000.p/5']);
  const entry = await scan((kind, index, body) => {
    if (kind === 'entries' && index === 5) body[10 * 104 + 50] ^= 1;
    return body;
  });
  expect([entry!.level, entry!.index]).toEqual([0, 5 * 256 + 10]);
});
