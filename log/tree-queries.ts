// SQL reads of the integrated tree: its size and the stored rows of hash tiles and entry bundles.
import { type SqlLike } from './coordination.ts';
import { intArrayLiteral } from './sql-arrays.ts';
import type { StoredTileRow } from './tile-rows.ts';
import { int8 } from './tree-math.ts';

/** The current tree size (0 for an empty log). */
export async function readTreeSize(sql: SqlLike): Promise<number> {
  const [row] = await sql`SELECT coalesce(max(size), 0) AS size FROM log_batches`;
  return int8(row.size);
}

export interface TileKey {
  level: number;
  index: number;
}

const keyOf = (level: number, index: number) => `${level}/${index}`;

/** All stored rows of the given hash tiles, keyed "level/index". One query. */
export async function readTileRows(sql: SqlLike, tiles: readonly TileKey[]): Promise<Map<string, StoredTileRow[]>> {
  const out = new Map<string, StoredTileRow[]>();
  if (tiles.length === 0) return out;
  const rows = await sql`
    SELECT t.level, t.idx, t.start, t.width, t.hashes
      FROM unnest(${intArrayLiteral(tiles.map((t) => t.level))}::int2[], ${intArrayLiteral(tiles.map((t) => t.index))}::int8[]) AS q(level, idx)
      JOIN log_tiles t ON t.level = q.level AND t.idx = q.idx`;
  for (const r of rows) {
    const key = keyOf(r.level, int8(r.idx));
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ start: r.start, width: r.width, data: r.hashes });
  }
  return out;
}

/** All stored rows of the given entry bundles, keyed by bundle index. One query. */
export async function readBundleRows(sql: SqlLike, indexes: readonly number[]): Promise<Map<number, StoredTileRow[]>> {
  const out = new Map<number, StoredTileRow[]>();
  if (indexes.length === 0) return out;
  const rows = await sql`
    SELECT idx, start, width, entries FROM log_entry_bundles WHERE idx = ANY (${intArrayLiteral(indexes)}::int8[])`;
  for (const r of rows) {
    const key = int8(r.idx);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ start: r.start, width: r.width, data: r.entries });
  }
  return out;
}

/** The bundle row holding entry `position` of bundle `index` (the narrowest such row), or null. */
export async function readBundleRowAt(sql: SqlLike, index: number, position: number): Promise<StoredTileRow | null> {
  const [r] = await sql`
    SELECT start, width, entries FROM log_entry_bundles
     WHERE idx = ${index}::int8 AND start <= ${position} AND width > ${position}
     ORDER BY start DESC LIMIT 1`;
  return r ? { start: r.start, width: r.width, data: r.entries } : null;
}
