// One hash tile with the inner nodes above its hashes: the complete nodes of heights 0..8
// within the tile, so that any node inside it is a lookup. The inner nodes are computed on
// first use (at most 255 node hashes); immutable afterwards, which is what makes it cacheable.
import { HASH_SIZE, nodeHashOf } from './hashing.ts';
import { TILE_HEIGHT } from './tree-math.ts';

export class TileTree {
  /** rows[r] holds the floor(width / 2^r) complete nodes of height r, 32 bytes each. */
  private rows: Uint8Array[] | undefined;
  /** The tile's hashes (width * 32 bytes). */
  readonly hashes: Uint8Array;

  constructor(
    readonly level: number,
    readonly index: number,
    readonly width: number,
    hashes: Uint8Array,
  ) {
    this.hashes = hashes.subarray(0, width * HASH_SIZE);
  }

  private build(): Uint8Array[] {
    const rows = [this.hashes];
    for (let r = 1; r <= TILE_HEIGHT; r++) {
      const below = rows[r - 1];
      const n = Math.floor(this.width / 2 ** r);
      const row = Buffer.allocUnsafe(n * HASH_SIZE);
      for (let j = 0; j < n; j++) {
        const left = below.subarray(2 * j * HASH_SIZE, (2 * j + 1) * HASH_SIZE);
        const right = below.subarray((2 * j + 1) * HASH_SIZE, (2 * j + 2) * HASH_SIZE);
        row.set(nodeHashOf(left, right), j * HASH_SIZE);
      }
      rows.push(row);
    }
    return rows;
  }

  /** Node of height r (0..7) at position j among this tile's nodes of that height, or undefined if incomplete. */
  node(r: number, j: number): Uint8Array | undefined {
    const row = r === 0 ? this.hashes : (this.rows ??= this.build())[r];
    if (!row || (j + 1) * HASH_SIZE > row.length) return undefined;
    return row.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE);
  }
}
