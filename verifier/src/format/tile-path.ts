// c2sp.org/tlog-tiles v0.1.0 with tile height 8: tile and entry-bundle paths
// (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, N in x-prefixed 3-digit groups), which
// full and partial tiles exist for a tree size, and the byte formats of hash tiles and entry
// bundles (entries prefixed by a u16 big-endian length). Paths carry no prefix or leading
// slash; a full tile is width 256 here and has no `.p/` suffix.
import { FormatError } from '../errors.ts';
import type { TreeSize } from '../proof/merkle.ts';

export const TILE_HEIGHT = 8;
/** Hashes in a full tile, and entries in a full entry bundle. */
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;
export const MAX_ENTRY_LENGTH = 0xffff;

const HASH_SIZE = 32;
const U64_LIMIT = 1n << 64n;
const INDEX_RE = /^((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([0-9]+))?$/;
const LEVEL_RE = /^(?:0|[1-9][0-9]?)$/;
const WIDTH_RE = /^[1-9][0-9]{0,2}$/;

/** A parsed tile path: level 'entries' for an entry bundle; width 256 for a full tile. */
export interface TileAddress {
  level: number | 'entries';
  index: bigint;
  width: number;
}

/** The tiles one level holds for a tree size: full tiles 0..fullTiles-1, then a partial one if partialWidth > 0. */
export interface TileLevelExtent {
  level: number;
  fullTiles: bigint;
  partialWidth: number;
}

/** Where the Merkle node at (treeLevel, treeIndex) sits: in tile (tileLevel, tileIndex), at (nodeLevel, nodeIndex) inside it. */
export interface NodeTileAddress {
  tileLevel: number;
  tileIndex: bigint;
  nodeLevel: number;
  nodeIndex: number;
}

/** Encodes a tile index as zero-padded 3-digit path elements, all but the last prefixed by x: 1234067 -> x001/x234/067. */
export function encodeTileIndex(index: TreeSize): string {
  let n = toU64(index, 'tile index');
  let out = (n % 1000n).toString().padStart(3, '0');
  n /= 1000n;
  while (n > 0n) {
    out = `x${(n % 1000n).toString().padStart(3, '0')}/${out}`;
    n /= 1000n;
  }
  return out;
}

/** `tile/<L>/<N>[.p/<W>]`; width 256 (the default) is a full tile. */
export function tilePath(level: number, index: TreeSize, width: number = TILE_WIDTH): string {
  checkLevel(level);
  return `tile/${level}/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`; width 256 (the default) is a full entry bundle. */
export function entriesPath(index: TreeSize, width: number = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** Parses a tile or entry-bundle path strictly (canonical encoding only, index below 2^64). */
export function parseTilePath(path: string): TileAddress {
  if (typeof path !== 'string' || !path.startsWith('tile/')) throw badPath(path, 'does not start with tile/');
  const slash = path.indexOf('/', 5);
  if (slash < 0) throw badPath(path, 'has no index');
  const levelText = path.slice(5, slash);
  let level: number | 'entries';
  if (levelText === 'entries') level = 'entries';
  else if (LEVEL_RE.test(levelText) && Number(levelText) <= MAX_TILE_LEVEL) level = Number(levelText);
  else throw badPath(path, `level ${JSON.stringify(levelText)} is not entries or 0..${MAX_TILE_LEVEL}`);
  const m = INDEX_RE.exec(path.slice(slash + 1));
  if (!m) throw badPath(path, 'index is not x-prefixed 3-digit groups with an optional .p/<W>');
  let index = 0n;
  for (const group of m[1].split('/')) index = index * 1000n + BigInt(group.replace('x', ''));
  if (index >= U64_LIMIT) throw badPath(path, 'index does not fit in 64 bits');
  if (encodeTileIndex(index) !== m[1]) throw badPath(path, 'index is not canonically encoded (leading zero group)');
  let width = TILE_WIDTH;
  if (m[2] !== undefined) {
    if (!WIDTH_RE.test(m[2]) || Number(m[2]) >= TILE_WIDTH) throw badPath(path, `partial width ${m[2]} is not 1..255`);
    width = Number(m[2]);
  }
  return { level, index, width };
}

/** Every level's full and partial tiles for a tree of `size` leaves (level 0 doubles as the entry bundles). */
export function tilesForSize(size: TreeSize): TileLevelExtent[] {
  const out: TileLevelExtent[] = [];
  let hashes = toU64(size, 'tree size');
  for (let level = 0; hashes > 0n; level++) {
    out.push({ level, fullTiles: hashes >> 8n, partialWidth: Number(hashes & 255n) });
    hashes >>= 8n;
  }
  return out;
}

/** The width (1..256) of tile (level, index) in a tree of `size`; FormatError if that tile does not exist. */
export function tileWidth(level: number, index: TreeSize, size: TreeSize): number {
  checkLevel(level);
  const tileIndex = toU64(index, 'tile index');
  const hashes = toU64(size, 'tree size') >> BigInt(TILE_HEIGHT * level);
  const full = hashes >> 8n;
  if (tileIndex < full) return TILE_WIDTH;
  const partial = Number(hashes & 255n);
  if (tileIndex === full && partial > 0) return partial;
  throw new FormatError('tile-out-of-range', `tile ${level}/${tileIndex} does not exist in a tree of size ${size}`);
}

/** The path of the entry bundle holding leaf `index` of a tree of `size` (partial if it is the last, unfilled one). */
export function entriesPathForLeaf(index: TreeSize, size: TreeSize): string {
  const leaf = toU64(index, 'leaf index');
  const treeSize = toU64(size, 'tree size');
  if (leaf >= treeSize) throw new FormatError('tile-out-of-range', `leaf ${leaf} is not below tree size ${treeSize}`);
  const bundle = leaf >> 8n;
  return entriesPath(bundle, tileWidth(0, bundle, treeSize));
}

/** Maps the Merkle node at tree level `treeLevel`, index `treeIndex` to its tile and its place inside it. */
export function nodeTileAddress(treeLevel: number, treeIndex: TreeSize): NodeTileAddress {
  if (!Number.isSafeInteger(treeLevel) || treeLevel < 0 || treeLevel >= 64) {
    throw new FormatError('bad-level', `tree level ${treeLevel} is not 0..63`);
  }
  const index = toU64(treeIndex, 'node index');
  const nodeLevel = treeLevel % TILE_HEIGHT;
  const rowBits = BigInt(TILE_HEIGHT - nodeLevel);
  return {
    tileLevel: Math.floor(treeLevel / TILE_HEIGHT),
    tileIndex: index >> rowBits,
    nodeLevel,
    nodeIndex: Number(index & ((1n << rowBits) - 1n)),
  };
}

/**
 * Splits an entry bundle into its entries (views into `bytes`, not copies). Each entry is a
 * u16 big-endian length then that many bytes; an empty bundle, a truncated length or entry,
 * more than 256 entries, or (when `width` is given) any other count than `width` is a FormatError.
 */
export function splitEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new FormatError('bad-entry-bundle', 'entry bundle: not a Uint8Array');
  if (width !== undefined) checkWidth(width);
  if (bytes.length === 0) throw new FormatError('bad-entry-bundle', 'entry bundle: is empty');
  const entries: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (entries.length === (width ?? TILE_WIDTH)) {
      throw new FormatError('bad-entry-bundle', `entry bundle: ${bytes.length - o} trailing bytes after ${entries.length} entries`);
    }
    if (o + 2 > bytes.length) {
      throw new FormatError('bad-entry-bundle', `entry bundle: truncated length prefix of entry ${entries.length}`);
    }
    const length = (bytes[o] << 8) | bytes[o + 1];
    o += 2;
    if (o + length > bytes.length) {
      throw new FormatError(
        'bad-entry-bundle',
        `entry bundle: entry ${entries.length} claims ${length} bytes, only ${bytes.length - o} left`,
      );
    }
    entries.push(bytes.subarray(o, o + length));
    o += length;
  }
  if (width !== undefined && entries.length !== width) {
    throw new FormatError('bad-entry-bundle', `entry bundle: has ${entries.length} entries, expected ${width}`);
  }
  return entries;
}

/** Serializes 1..256 entries (each at most 65535 bytes) as an entry bundle. */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new FormatError('bad-entry-bundle', `entry bundle: needs 1..${TILE_WIDTH} entries`);
  }
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!(e instanceof Uint8Array)) throw new FormatError('bad-entry-bundle', `entry bundle: entry ${i} is not a Uint8Array`);
    if (e.length > MAX_ENTRY_LENGTH) {
      throw new FormatError('bad-entry-bundle', `entry bundle: entry ${i} is ${e.length} bytes, at most ${MAX_ENTRY_LENGTH}`);
    }
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/** Splits a hash tile into its 32-byte hashes (views into `bytes`); width as in splitEntryBundle. */
export function splitHashTile(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new FormatError('bad-tile', 'hash tile: not a Uint8Array');
  if (width !== undefined) checkWidth(width);
  const count = bytes.length / HASH_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > TILE_WIDTH) {
    throw new FormatError('bad-tile', `hash tile: ${bytes.length} bytes is not 1..${TILE_WIDTH} hashes of ${HASH_SIZE} bytes`);
  }
  if (width !== undefined && count !== width) {
    throw new FormatError('bad-tile', `hash tile: has ${count} hashes, expected ${width}`);
  }
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) hashes.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return hashes;
}

/** Serializes 1..256 hashes of 32 bytes as a hash tile. */
export function formatHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(hashes) || hashes.length < 1 || hashes.length > TILE_WIDTH) {
    throw new FormatError('bad-tile', `hash tile: needs 1..${TILE_WIDTH} hashes`);
  }
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new FormatError('bad-tile', `hash tile: hash ${i} is not ${HASH_SIZE} bytes`);
    }
    out.set(h, i * HASH_SIZE);
  });
  return out;
}

function widthSuffix(width: number): string {
  checkWidth(width);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new FormatError('bad-width', `tile width ${width} is not 1..${TILE_WIDTH} (256 = full)`);
  }
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) {
    throw new FormatError('bad-level', `tile level ${level} is not 0..${MAX_TILE_LEVEL}`);
  }
}

function badPath(path: unknown, why: string): FormatError {
  return new FormatError('bad-tile-path', `tile path ${JSON.stringify(path)}: ${why}`);
}

function toU64(value: TreeSize, what: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new FormatError('bad-size', `${what}: ${value} is not a non-negative safe integer`);
    return BigInt(value);
  }
  if (typeof value === 'bigint' && value >= 0n && value < U64_LIMIT) return value;
  throw new FormatError('bad-size', `${what}: ${String(value)} is outside 0..2^64-1`);
}
