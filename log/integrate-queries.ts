// The SQL of one integration, four statements in one transaction, the first three sent at once:
//  1. lockLog: the integrator's advisory lock (and the mark the log tables' triggers require);
//  2. readFrontier: the newest checkpoint's frontier, all the tree the next batch needs;
//  3. takeIntoLeaves: deletes up to n pending rows in id order and, in the same statement,
//     numbers them from the current tree size, hashes them (SHA-256(0x00 || entry)) and stores
//     them as entry-bundle rows, level-0 hash-tile rows and the batch row (which pending ids
//     became which leaves); returns only the leaf hashes: entries and ids never travel back;
//  4. writeBatch: the upper-level tile rows and the checkpoint (with the new frontier), and the
//     NOTIFY.
// A row that completes a tile another batch began is stored whole: the earlier rows of that
// (non-full) tile are exactly its chain of additions, concatenated in width order.
import type { TransactionSql } from 'postgres';
import { INTEGRATED_CHANNEL, LOG_LOCK_KEY } from './coordination.ts';
import { HASH_SIZE } from './hashing.ts';
import { intArrayLiteral, packBytes } from './sql-arrays.ts';
import type { StoredTileRow } from './tile-rows.ts';
import type { TreeFrontier } from './tree-append.ts';
import { int8 } from './tree-math.ts';

/**
 * Waits for and takes the integrator lock until the transaction ends, and marks the transaction
 * as the log's writer (the log tables' insert triggers require it). The query is sent at once
 * (execute()), before any statement the caller issues next, which then runs under the lock.
 */
export function lockLog(tx: TransactionSql): Promise<unknown> {
  return tx`SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY}::int8), set_config('glasskey.log_writer', 'integrator', true)`.execute();
}

/**
 * The newest checkpoint's frontier, handed to `onFrontier` as soon as its row arrives (always
 * one row: size 0 and no hashes for an empty log).
 */
export function readFrontier(tx: TransactionSql, onFrontier: (frontier: TreeFrontier) => void): Promise<unknown> {
  return tx`
    SELECT coalesce(c.size, 0) AS size, coalesce(c.frontier, ''::bytea) AS frontier
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT size, frontier FROM log_checkpoints ORDER BY size DESC LIMIT 1) AS c ON true`.forEach((row) => {
    const bytes = row.frontier as Uint8Array;
    const nodes: Uint8Array[] = [];
    for (let o = 0; o < bytes.length; o += HASH_SIZE) nodes.push(bytes.subarray(o, o + HASH_SIZE));
    onFrontier({ size: int8(row.size), nodes });
  });
}

/**
 * Moves up to `limit` pending entries into the tree: entry bundles, level-0 tiles, the batch
 * row, pending rows deleted. Hands the leaf hashes to `onLeaves` tile by tile, in order, as
 * they stream in: while the server still writes the rows, the caller can hash above them.
 */
export function takeIntoLeaves(
  tx: TransactionSql,
  limit: number,
  onLeaves: (firstIndex: number, leafHashes: Uint8Array[]) => void,
): Promise<unknown> {
  return tx`
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
             string_agg(leaf, ''::bytea ORDER BY idx) AS hashes
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
    ), batch AS (
      INSERT INTO log_batches (first_index, size, pending_ids, pending_range)
      SELECT (SELECT size FROM tree), (SELECT size FROM tree) + count(*), array_agg(id ORDER BY id), int8range(min(id), max(id), '[]')
        FROM leaves HAVING count(*) > 0
    )
    -- Sent before the inserts above run (they complete after the main query), so the client
    -- hashes while the server writes.
    SELECT (SELECT size FROM tree) AS first, hashes FROM parts ORDER BY tile`.forEach((row) => {
    const blob = row.hashes as Uint8Array;
    const leafHashes: Uint8Array[] = [];
    for (let o = 0; o < blob.length; o += HASH_SIZE) leafHashes.push(blob.subarray(o, o + HASH_SIZE));
    onLeaves(int8(row.first), leafHashes);
  });
}

export interface UpperTileRow extends StoredTileRow {
  level: number;
  index: number;
}

export interface BatchToWrite {
  size: number;
  root: Uint8Array;
  /** The new tree's frontier, concatenated. */
  frontier: Uint8Array;
  note: string;
  /** New hashes of tile levels >= 1 (a row completing a tile may start past 0: completed in SQL). */
  tiles: UpperTileRow[];
}

/** Writes upper-level tiles and the checkpoint, and notifies; one statement. */
export async function writeBatch(tx: TransactionSql, b: BatchToWrite): Promise<void> {
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
    )
    INSERT INTO log_checkpoints (size, root, frontier, note)
    VALUES (${b.size}::int8, ${b.root}::bytea, ${b.frontier}::bytea, ${b.note})
    RETURNING pg_notify(${INTEGRATED_CHANNEL}, size::text)`;
}
