// Reads of the integrated log: checkpoints, single entries, hash tiles and entry bundles in
// the c2sp.org/tlog-tiles byte formats. Absent things are null; malformed arguments throw
// LogArgumentError.
import { isPool, type SqlLike } from './coordination.ts';
import { LogArgumentError } from './errors.ts';
import { selectCheckpointAt, selectLatestCheckpoint, type StoredCheckpoint } from './checkpoint-queries.ts';
import { tileCacheOf } from './tile-cache.ts';
import { assembleTile, cutEntries, cutHashes } from './tile-rows.ts';
import { TileTree } from './tile-tree.ts';
import { readBundleRowAt, readBundleRows, readTileRows } from './tree-queries.ts';
import { checkInteger, TILE_WIDTH } from './tree-math.ts';

export type { StoredCheckpoint } from './checkpoint-queries.ts';

/** The newest signed checkpoint, or null before the first integration. */
export function latestCheckpoint(sql: SqlLike): Promise<StoredCheckpoint | null> {
  return selectLatestCheckpoint(sql);
}

/** The signed checkpoint written for exactly this tree size, or null. */
export function checkpointAt(sql: SqlLike, size: number): Promise<StoredCheckpoint | null> {
  return selectCheckpointAt(sql, checkInteger(size, 'size'));
}

/** The entry at leaf `index`, or null if not integrated (yet). */
export async function entryAt(sql: SqlLike, index: number): Promise<Uint8Array | null> {
  checkInteger(index, 'index');
  const bundle = Math.floor(index / TILE_WIDTH);
  const position = index - bundle * TILE_WIDTH;
  const row = await readBundleRowAt(sql, bundle, position);
  if (!row) return null;
  const skip = cutEntries(row.data, position - row.start).length;
  const length = (row.data[skip] << 8) | row.data[skip + 1];
  return new Uint8Array(row.data.subarray(skip + 2, skip + 2 + length));
}

function checkWidth(width: number): number {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new LogArgumentError('bad-argument', `tile width must be 1..${TILE_WIDTH}, got ${String(width)}`);
  }
  return width;
}

/** Hash tile (level, index) of the given width (width * 32 bytes), or null if the log has no such tile yet. */
export async function readTile(sql: SqlLike, level: number, index: number, width: number): Promise<Uint8Array | null> {
  checkInteger(level, 'level');
  if (level > 7) throw new LogArgumentError('bad-argument', `tile level must be 0..7, got ${level}`);
  checkInteger(index, 'tile index');
  checkWidth(width);
  const cache = isPool(sql) ? tileCacheOf(sql) : undefined;
  const cached = cache?.get(level, index, width);
  if (cached) return new Uint8Array(cached.hashes.subarray(0, width * 32));
  const rows = (await readTileRows(sql, [{ level, index }])).get(`${level}/${index}`) ?? [];
  const tile = assembleTile(rows, cutHashes);
  if (!tile || tile.width < width) return null;
  if (tile.width === TILE_WIDTH) cache?.put(new TileTree(level, index, tile.width, tile.data));
  return new Uint8Array(tile.data.subarray(0, width * 32));
}

/** Entry bundle `index` of the given width (u16-length-prefixed entries), or null if not there yet. */
export async function readEntryBundle(sql: SqlLike, index: number, width: number): Promise<Uint8Array | null> {
  checkInteger(index, 'bundle index');
  checkWidth(width);
  const rows = (await readBundleRows(sql, [index])).get(index) ?? [];
  const bundle = assembleTile(rows, cutEntries, width);
  return bundle ? new Uint8Array(bundle.data) : null;
}
