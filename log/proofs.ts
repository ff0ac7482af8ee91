// Inclusion and consistency proofs and roots for any tree size up to the current one, from the
// stored tiles: O(log n) node hashes, read in one query (or none, from the tile cache).
import { type SqlLike } from './coordination.ts';
import { LogRangeError } from './errors.ts';
import { emptyTreeRoot, foldRange } from './hashing.ts';
import { loadNodes } from './node-source.ts';
import { consistencyRanges, inclusionRanges, type LeafRange } from './proof-plan.ts';
import { checkWithinTree } from './tree-size.ts';
import { checkInteger, rangeNodes } from './tree-math.ts';

async function hashRanges(sql: SqlLike, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
  const parts = ranges.map(([start, end]) => rangeNodes(start, end));
  const lookup = await loadNodes(sql, parts.flat());
  return parts.map((nodes) => new Uint8Array(foldRange(nodes.map(lookup))));
}

/** RFC 9162 inclusion proof of leaf `index` in the tree of `size` (size <= current tree size). */
export async function inclusionProof(sql: SqlLike, index: number, size: number): Promise<Uint8Array[]> {
  checkInteger(index, 'index');
  checkInteger(size, 'size');
  if (index >= size) throw new LogRangeError('index-out-of-range', `index ${index} is not below the tree size ${size}`);
  await checkWithinTree(sql, size, 'size');
  return hashRanges(sql, inclusionRanges(index, size));
}

/** RFC 9162 consistency proof from size1 to size2 (size1 <= size2 <= current tree size); empty if size1 is 0 or equal. */
export async function consistencyProof(sql: SqlLike, size1: number, size2: number): Promise<Uint8Array[]> {
  checkInteger(size1, 'size1');
  checkInteger(size2, 'size2');
  if (size1 > size2) throw new LogRangeError('size-order', `size1 ${size1} is larger than size2 ${size2}`);
  await checkWithinTree(sql, size2, 'size2');
  if (size1 === 0 || size1 === size2) return [];
  return hashRanges(sql, consistencyRanges(size1, size2));
}

/** The root hash of the tree of `size` (size <= current tree size; size 0 gives SHA-256("")). */
export async function rootAt(sql: SqlLike, size: number): Promise<Uint8Array> {
  checkInteger(size, 'size');
  await checkWithinTree(sql, size, 'size');
  if (size === 0) return emptyTreeRoot();
  const [root] = await hashRanges(sql, [[0, size]]);
  return root;
}
