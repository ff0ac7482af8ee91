// Merkle hashes of one tree size read from hash tiles (c2sp.org/tlog-tiles, height 8): any
// complete node, any subtree hash (RFC 9162 MTH), the root at any smaller size, and RFC 9162
// consistency and inclusion proofs. Tiles are fetched as needed and cached. Nothing here is
// trusted by itself: callers check what it returns against a signed root (verifyConsistency,
// or rootAt(treeSize) against the checkpoint).
import { emptyRoot } from './merkle.ts';
import type { TileSource } from '../client/log-client.ts';
import { nobleSha256, type Sha256Function } from './sha256-function.ts';
import type { ConsistencyProofSource } from '../client/split-view.ts';
import { TILE_HEIGHT, tileWidth } from '../format/tile-path.ts';

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class TileHashReader {
  private readonly tiles = new Map<string, Promise<Uint8Array>>();
  private readonly scratch = new Uint8Array(65);

  constructor(
    private readonly source: Pick<TileSource, 'hashTile'>,
    readonly treeSize: number,
    private readonly sha256: Sha256Function = nobleSha256,
  ) {
    this.scratch[0] = 0x01;
  }

  private hash2(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.scratch.set(left, 1);
    this.scratch.set(right, 33);
    return this.sha256(this.scratch);
  }

  private tile(level: number, index: number): Promise<Uint8Array> {
    const width = tileWidth(level, index, this.treeSize);
    const key = `${level}/${index}/${width}`;
    let t = this.tiles.get(key);
    if (!t) {
      t = this.source.hashTile(level, index, width);
      this.tiles.set(key, t);
      t.catch(() => this.tiles.delete(key));
    }
    return t;
  }

  /** The node of height `height` at `index` (covering leaves [index*2^height, (index+1)*2^height)). */
  async node(height: number, index: number): Promise<Uint8Array> {
    if ((index + 1) * 2 ** height > this.treeSize) throw new RangeError(`node ${height}/${index} is not complete in a tree of ${this.treeSize}`);
    const level = Math.floor(height / TILE_HEIGHT);
    const below = height % TILE_HEIGHT;
    const first = index * 2 ** below;
    const tileIndex = Math.floor(first / 256);
    const offset = first % 256;
    const tile = await this.tile(level, tileIndex);
    let row: Uint8Array[] = [];
    for (let i = 0; i < 2 ** below; i++) row.push(tile.subarray((offset + i) * 32, (offset + i + 1) * 32));
    while (row.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < row.length; i += 2) next.push(this.hash2(row[i], row[i + 1]));
      row = next;
    }
    return row[0].slice();
  }

  /** MTH of leaves [start, start + n), n >= 1. */
  async subtreeHash(start: number, n: number): Promise<Uint8Array> {
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) return this.node(height, start / n);
    const k = largestPowerOfTwoBelow(n);
    const [left, right] = await Promise.all([this.subtreeHash(start, k), this.subtreeHash(start + k, n - k)]);
    return this.hash2(left, right);
  }

  /** The root of the first `size` leaves (size <= treeSize). */
  rootAt(size: number): Promise<Uint8Array> {
    if (size > this.treeSize) throw new RangeError(`size ${size} is larger than the tree (${this.treeSize})`);
    return size === 0 ? Promise.resolve(emptyRoot()) : this.subtreeHash(0, size);
  }

  /** RFC 9162 2.1.4.1 PROOF(m, D[treeSize]); empty for m = 0 or m = treeSize. */
  async consistencyProof(m: number): Promise<Uint8Array[]> {
    if (m > this.treeSize) throw new RangeError(`size ${m} is larger than the tree (${this.treeSize})`);
    if (m === 0) return [];
    const sub = async (m: number, start: number, n: number, b: boolean): Promise<Uint8Array[]> => {
      if (m === n) return b ? [] : [await this.subtreeHash(start, m)];
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) return [...(await sub(m, start, k, b)), await this.subtreeHash(start + k, n - k)];
      return [...(await sub(m - k, start + k, n - k, false)), await this.subtreeHash(start, k)];
    };
    return sub(m, 0, this.treeSize, true);
  }

  /** RFC 9162 2.1.3.1 PATH(index, D[treeSize]). */
  async inclusionProof(index: number): Promise<Uint8Array[]> {
    if (index >= this.treeSize) throw new RangeError(`index ${index} is not below ${this.treeSize}`);
    const path = async (m: number, start: number, n: number): Promise<Uint8Array[]> => {
      if (n === 1) return [];
      const k = largestPowerOfTwoBelow(n);
      if (m < k) return [...(await path(m, start, k)), await this.subtreeHash(start + k, n - k)];
      return [...(await path(m - k, start + k, n - k)), await this.subtreeHash(start, k)];
    };
    return path(index, 0, this.treeSize);
  }
}

/**
 * A ConsistencyProofSource reading tiles: proofs for (m, n) are computed from the tiles of the
 * tree of size n, and rootAt gives any earlier root of that tree (for split-view evidence).
 */
export function tileProofSource(source: Pick<TileSource, 'hashTile'>, sha256?: Sha256Function): ConsistencyProofSource {
  const readers = new Map<number, TileHashReader>();
  const reader = (n: number) => {
    let r = readers.get(n);
    if (!r) readers.set(n, (r = new TileHashReader(source, n, sha256)));
    return r;
  };
  return {
    consistencyProof: (m, n) => reader(n).consistencyProof(m),
    rootAt: (m, n) => reader(n).rootAt(m),
  };
}
