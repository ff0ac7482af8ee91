// Integer arithmetic on tree sizes and node coordinates, exact for every safe integer (up to
// 2^53-1): no 32-bit bit operators on sizes. A complete node (height h, index k) is the
// perfect subtree over leaves [k*2^h, (k+1)*2^h). tlog-tiles stores the nodes of height 8L
// as the hashes of level-L tiles, 256 to a tile.
import { LogArgumentError } from './errors.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface NodeId {
  height: number;
  index: number;
}

export function pow2(h: number): number {
  return 2 ** h;
}

/** floor(x / 2^h) for a non-negative safe integer x. */
export function shiftRight(x: number, h: number): number {
  return Math.floor(x / 2 ** h);
}

const TWO_32 = 2 ** 32;

/** Number of bits of a non-negative safe integer (0 for 0). */
export function bitLength(n: number): number {
  const hi = Math.floor(n / TWO_32);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(n >>> 0);
}

/** The largest power of two strictly below n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/** Heights of the set bits of n, largest first: the complete subtrees that make up a tree of n leaves. */
export function setBitHeights(n: number): number[] {
  const out: number[] = [];
  const hi = Math.floor(n / TWO_32);
  const lo = n >>> 0;
  for (let h = 31 - Math.clz32(hi); h >= 0; h--) if ((hi >>> h) & 1) out.push(h + 32);
  for (let h = 31 - Math.clz32(lo); h >= 0; h--) if ((lo >>> h) & 1) out.push(h);
  return out;
}

/**
 * The complete subtrees covering leaves [start, end), largest first, when start is a multiple
 * of a power of two that is at least end - start (true of every range RFC 9162 proofs use).
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let at = start;
  for (const h of setBitHeights(end - start)) {
    out.push({ height: h, index: at / 2 ** h });
    at += 2 ** h;
  }
  return out;
}

/** Where a complete node's hash comes from: the 2^r hashes of tile (level, tile) starting at offset. */
export interface NodeInTile {
  level: number;
  tile: number;
  /** Height of the node above the tile's hashes (0..7). */
  r: number;
  /** The node's index among the tile's nodes of height r. */
  j: number;
  /** Width the tile must have for the node to be complete in it. */
  minWidth: number;
}

export function locateNode(node: NodeId): NodeInTile {
  const level = Math.floor(node.height / TILE_HEIGHT);
  const r = node.height % TILE_HEIGHT;
  const perTile = TILE_WIDTH / 2 ** r;
  const tile = Math.floor(node.index / perTile);
  const j = node.index - tile * perTile;
  return { level, tile, r, j, minWidth: (j + 1) * 2 ** r };
}

/** Throws LogArgumentError unless x is a safe integer >= min. */
export function checkInteger(x: unknown, what: string, min = 0): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    throw new LogArgumentError('bad-argument', `${what} must be an integer >= ${min} (safe in JavaScript), got ${String(x)}`);
  }
  return x;
}

/** Parses an int8 column (postgres.js returns them as strings) into a safe integer. */
export function int8(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${String(value)} is not a safe integer`);
  return n;
}
