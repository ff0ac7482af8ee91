// How tiles are stored as rows, both ways. A batch appends, per tile it touches, one row with
// the items it adds: [start, width) of that tile. A row that completes a tile (width 256) always
// holds the whole tile from 0, so a full tile is one row. Any width a tile ever had is a prefix
// of its newest content: take the widest row starting at 0, then follow the chain of rows
// (each starting where the previous ended). Pure: no database.
import { LogIntegrityError } from './errors.ts';
import { HASH_SIZE } from './hashing.ts';
import { TILE_WIDTH } from './tree-math.ts';

export interface StoredTileRow {
  start: number;
  width: number;
  /** Items [start, width) of the tile: 32-byte hashes, or u16-length-prefixed entries. */
  data: Uint8Array;
}

export interface TileDelta<T> {
  tile: number;
  start: number;
  width: number;
  items: T[];
}

/** Splits items at positions [first, first + items.length) at tile boundaries. */
export function splitAtTiles<T>(first: number, items: readonly T[]): TileDelta<T>[] {
  const out: TileDelta<T>[] = [];
  let i = 0;
  while (i < items.length) {
    const pos = first + i;
    const tile = Math.floor(pos / TILE_WIDTH);
    const start = pos - tile * TILE_WIDTH;
    const take = Math.min(TILE_WIDTH - start, items.length - i);
    out.push({ tile, start, width: start + take, items: items.slice(i, i + take) });
    i += take;
  }
  return out;
}

/** Cuts the first `count` items off data that begins at item 0. */
export type PrefixCutter = (data: Uint8Array, count: number) => Uint8Array;

export const cutHashes: PrefixCutter = (data, count) => {
  if (data.length < count * HASH_SIZE) throw new LogIntegrityError('bad-tile-row', `hash tile data too short for ${count} hashes`);
  return data.subarray(0, count * HASH_SIZE);
};

export const cutEntries: PrefixCutter = (data, count) => {
  let o = 0;
  for (let i = 0; i < count; i++) {
    if (o + 2 > data.length) throw new LogIntegrityError('bad-bundle-row', `entry bundle data too short for ${count} entries`);
    o += 2 + ((data[o] << 8) | data[o + 1]);
  }
  if (o > data.length) throw new LogIntegrityError('bad-bundle-row', `entry bundle data too short for ${count} entries`);
  return data.subarray(0, o);
};

/**
 * The first `width` items of the tile from its stored rows, or null if the rows do not reach
 * that far. `width` undefined means as wide as available.
 */
export function assembleTile(rows: readonly StoredTileRow[], cut: PrefixCutter, width?: number): { width: number; data: Uint8Array } | null {
  let base: StoredTileRow | undefined;
  for (const r of rows) if (r.start === 0 && (!base || r.width > base.width)) base = r;
  if (!base) return null;
  const want = width ?? TILE_WIDTH;
  if (base.width >= want) return { width: want, data: cut(base.data, want) };
  const parts = [base.data];
  let have = base.width;
  for (const r of [...rows].sort((a, b) => a.width - b.width)) {
    if (r.start !== have) continue;
    parts.push(r.data);
    have = r.width;
    if (have >= want) break;
  }
  if (width !== undefined && have < width) return null;
  const n = Math.min(have, want);
  return { width: n, data: cut(Buffer.concat(parts), n) };
}

/** One entry as an entry-bundle item: its u16 big-endian length, then the entry. */
export function bundleItem(entry: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(2 + entry.length);
  out[0] = entry.length >> 8;
  out[1] = entry.length & 0xff;
  out.set(entry, 2);
  return out;
}
