// The SQL of one integration, three statements in one transaction:
//  1. lockLog: the integrator's advisory lock;
//  2. takeIntoLeaves: deletes up to n pending rows in id order and, in the same statement,
//     numbers them from the current tree size, hashes them (SHA-256(0x00 || entry)) and stores
//     them as entry-bundle rows and level-0 hash-tile rows; returns the ids and leaf hashes, so
//     the entries themselves never travel back to the client;
//  3. writeBatch: the upper-level tile rows, the batch row and the checkpoint, and the NOTIFY.
// A row that completes a tile another batch began is stored whole: the earlier rows of that
// (non-full) tile are exactly its chain of additions, concatenated in width order.
import type { TransactionSql } from 'postgres';
import { INTEGRATED_CHANNEL, LOG_LOCK_KEY } from './coordination.ts';
import { LogIntegrityError } from './errors.ts';
import { HASH_SIZE } from './hashing.ts';
import { intArrayLiteral, packBytes } from './sql-arrays.ts';
import type { StoredTileRow } from './tile-rows.ts';
import { int8 } from './tree-math.ts';

/** Waits for and takes the integrator lock until the transaction ends. (Async, so that the query is sent on call.) */
export async function lockLog(tx: TransactionSql): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY}::int8)`;
}

export interface TakenLeaves {
  /** The tree size the leaves were numbered from (-1 when nothing was pending). */
  firstIndex: number;
  /** Pending ids, ascending: leaf firstIndex + i came from ids[i]. */
  ids: number[];
  /** Their leaf hashes, in order. */
  leafHashes: Uint8Array[];
}

/** Moves up to `limit` pending entries into the tree's level-0 tiles and entry bundles. */
export async function takeIntoLeaves(tx: TransactionSql, limit: number): Promise<TakenLeaves> {
  const parts = await tx`
    WITH tree AS (
      SELECT coalesce(max(size), 0) AS size FROM log_batches
    ), taken AS (
      DELETE FROM log_pending
       WHERE id <= (SELECT max(id) FROM (SELECT id FROM log_pending ORDER BY id LIMIT ${limit}) AS first_ids)
      RETURNING id, entry
    ), leaves AS (
      SELECT id, entry, sha256('\\x00'::bytea || entry) AS leaf,
             (SELECT size FROM tree) + row_number() OVER (ORDER BY id) - 1 AS idx
        FROM taken
    ), parts AS (
      SELECT idx / 256 AS tile, (min(idx) % 256)::int2 AS start, (max(idx) % 256 + 1)::int2 AS width,
             string_agg(substring(int4send(octet_length(entry)) FROM 3 FOR 2) || entry, ''::bytea ORDER BY idx) AS bundle,
             string_agg(leaf, ''::bytea ORDER BY idx) AS hashes,
             string_agg(id::text, ',' ORDER BY idx) AS ids
        FROM leaves GROUP BY idx / 256
    ), bundles AS (
      INSERT INTO log_entry_bundles (idx, width, start, entries)
      SELECT tile, width,
             CASE WHEN width = 256 THEN 0 ELSE start END,
             CASE WHEN width = 256 AND start > 0
                  THEN (SELECT string_agg(b.entries, ''::bytea ORDER BY b.width) FROM log_entry_bundles b WHERE b.idx = tile) || bundle
                  ELSE bundle END
        FROM parts
    ), tiles AS (
      INSERT INTO log_tiles (level, idx, width, start, hashes)
      SELECT 0, tile, width,
             CASE WHEN width = 256 THEN 0 ELSE start END,
             CASE WHEN width = 256 AND start > 0
                  THEN (SELECT string_agg(t.hashes, ''::bytea ORDER BY t.width) FROM log_tiles t WHERE t.level = 0 AND t.idx = tile) || hashes
                  ELSE hashes END
        FROM parts
    )
    SELECT (SELECT size FROM tree) AS first_index, tile, ids, hashes FROM parts ORDER BY tile`;
  if (parts.length === 0) return { firstIndex: -1, ids: [], leafHashes: [] };
  const ids: number[] = [];
  const leafHashes: Uint8Array[] = [];
  for (const p of parts) {
    const partIds = (p.ids as string).split(',');
    const blob = p.hashes as Uint8Array;
    if (blob.length !== partIds.length * HASH_SIZE) {
      throw new LogIntegrityError('bad-leaves', `took ${partIds.length} entries but got ${blob.length} bytes of leaf hashes`);
    }
    for (let i = 0; i < partIds.length; i++) {
      ids.push(int8(partIds[i]));
      leafHashes.push(blob.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    }
  }
  return { firstIndex: int8(parts[0].first_index), ids, leafHashes };
}

export interface UpperTileRow extends StoredTileRow {
  level: number;
  index: number;
}

export interface BatchToWrite {
  firstIndex: number;
  size: number;
  pendingIds: number[];
  frontier: Uint8Array;
  root: Uint8Array;
  note: string;
  /** New hashes of tile levels >= 1 (a row completing a tile may start past 0: completed in SQL). */
  tiles: UpperTileRow[];
}

/** Writes upper-level tiles, the batch row and the checkpoint, and notifies; one statement. */
export async function writeBatch(tx: TransactionSql, b: BatchToWrite): Promise<void> {
  if (b.pendingIds.length !== b.size - b.firstIndex) {
    throw new LogIntegrityError('bad-batch', `batch [${b.firstIndex}, ${b.size}) has ${b.pendingIds.length} pending ids`);
  }
  const data = packBytes(b.tiles.map((t) => t.data));
  await tx`
    WITH tiles AS (
      INSERT INTO log_tiles (level, idx, width, start, hashes)
      SELECT level, idx, width,
             CASE WHEN width = 256 THEN 0 ELSE start END,
             CASE WHEN width = 256 AND start > 0
                  THEN (SELECT string_agg(t.hashes, ''::bytea ORDER BY t.width) FROM log_tiles t WHERE t.level = p.level AND t.idx = p.idx)
                       || substring(${data.blob}::bytea FROM o + 1 FOR l)
                  ELSE substring(${data.blob}::bytea FROM o + 1 FOR l) END
        FROM unnest(
          ${intArrayLiteral(b.tiles.map((t) => t.level))}::int2[], ${intArrayLiteral(b.tiles.map((t) => t.index))}::int8[],
          ${intArrayLiteral(b.tiles.map((t) => t.width))}::int2[], ${intArrayLiteral(b.tiles.map((t) => t.start))}::int2[],
          ${data.offsets}::int4[], ${data.lengths}::int4[]) AS p(level, idx, width, start, o, l)
    ), batch AS (
      INSERT INTO log_batches (first_index, size, pending_ids, pending_range, frontier)
      VALUES (${b.firstIndex}::int8, ${b.size}::int8, ${intArrayLiteral(b.pendingIds)}::int8[],
              int8range(${b.pendingIds[0]}::int8, ${b.pendingIds[b.pendingIds.length - 1]}::int8, '[]'),
              ${b.frontier}::bytea)
    )
    INSERT INTO log_checkpoints (size, root, note) VALUES (${b.size}::int8, ${b.root}::bytea, ${b.note})
    RETURNING pg_notify(${INTEGRATED_CHANNEL}, size::text)`;
}
