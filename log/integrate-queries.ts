// The SQL of one integration: five statements in one transaction, the first four sent at once
// (lockLog first; the others run after the lock is granted, each seeing what was committed
// before it started):
//  1. lockLog: the integrator's advisory lock (and the mark the log tables' triggers require);
//  2. readFrontier: the newest checkpoint's frontier, all of the tree the next batch needs;
//  3. pickLeaves: the first n pending rows in id order: their leaf hashes (computed by the
//     database when the rows were written), and the highest id, kept for the next statement;
//  4. takeIntoTree: deletes the pending rows up to that id and, in the same statement, numbers
//     them from the tree size and stores their bundle items and leaf hashes as entry-bundle and
//     level-0 tile rows, and the batch row (which pending ids became which leaves); returns the
//     count and a digest of the leaves, to check it took exactly what pickLeaves saw (a writer
//     committing a lower id in between would add a row: the caller then retries).
//     The client hashes the tree above pickLeaves' leaves while the server runs this.
//  5. writeBatch: the upper-level tile rows and the checkpoint (with the new frontier), and the
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
 * Sequential scans are off for the transaction: the pending table is usually near empty when
 * its statistics are taken, and a backlog arriving later would otherwise be deleted by
 * scanning the whole table, batch after batch.
 */
export function lockLog(tx: TransactionSql): Promise<unknown> {
  return tx`
    SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY}::int8),
           set_config('glasskey.log_writer', 'integrator', true),
           set_config('enable_seqscan', 'off', true)`.execute();
}

/** The newest checkpoint's frontier (size 0 and no hashes for an empty log). */
export async function readFrontier(tx: TransactionSql): Promise<TreeFrontier> {
  const [row] = await tx`SELECT size, frontier FROM log_checkpoints ORDER BY size DESC LIMIT 1`.execute();
  if (!row) return { size: 0, nodes: [] };
  const bytes = row.frontier as Uint8Array;
  const nodes: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += HASH_SIZE) nodes.push(bytes.subarray(o, o + HASH_SIZE));
  return { size: int8(row.size), nodes };
}

export interface PickedLeaves {
  /** Leaf hashes of the first pending entries, in id order. */
  leafHashes: Uint8Array[];
  /** All of them concatenated. */
  blob: Uint8Array;
}

/** The leaf hashes of the first `limit` pending entries; remembers their highest id for takeIntoTree. */
export async function pickLeaves(tx: TransactionSql, limit: number): Promise<PickedLeaves> {
  const [row] = await tx`
    WITH first AS (SELECT id, leaf FROM log_pending ORDER BY id LIMIT ${limit})
    SELECT string_agg(leaf, ''::bytea ORDER BY id) AS leaves,
           set_config('glasskey.take_upto', coalesce(max(id), 0)::text, true) AS upto
      FROM first`.execute();
  const blob = (row.leaves as Uint8Array | null) ?? new Uint8Array(0);
  const leafHashes: Uint8Array[] = [];
  for (let o = 0; o < blob.length; o += HASH_SIZE) leafHashes.push(blob.subarray(o, o + HASH_SIZE));
  return { leafHashes, blob };
}

export interface TakenLeaves {
  /** The tree size the leaves were numbered from. */
  firstIndex: number;
  /** How many entries were moved. */
  count: number;
  /** SHA-256 of their leaf hashes concatenated in order (null if none). */
  digest: Uint8Array | null;
}

/**
 * Moves the pending entries up to pickLeaves' highest id into the tree: entry bundles, level-0
 * tiles, the batch row, pending rows deleted.
 */
export async function takeIntoTree(tx: TransactionSql): Promise<TakenLeaves> {
  // One pass in id order numbers the rows (row_number) and finds where each entry's bundle item
  // ends (running sum); one aggregate pass over that ordered stream (no second sort) collects the
  // batch's items, leaf hashes, ids and the item offsets where tiles end; each touched tile then
  // takes its slice of those.
  const [row] = await tx`
    WITH tree AS (
      SELECT coalesce(max(size), 0) AS size FROM log_batches
    ), taken AS (
      DELETE FROM log_pending WHERE id <= current_setting('glasskey.take_upto')::int8
      RETURNING id, item, leaf
    ), b AS (
      SELECT (SELECT size FROM tree) AS first, count(*) AS n, min(id) AS lo, max(id) AS hi,
             string_agg(item, ''::bytea ORDER BY id) AS items,
             string_agg(leaf, ''::bytea ORDER BY id) AS leaves,
             array_agg(id ORDER BY id) AS ids,
             array_agg(item_end ORDER BY id) FILTER (WHERE idx % 256 = 255) AS tile_ends
        FROM (SELECT id, item, leaf, (SELECT size FROM tree) + row_number() OVER w - 1 AS idx,
                     sum(octet_length(item)) OVER w AS item_end
                FROM taken WINDOW w AS (ORDER BY id ROWS UNBOUNDED PRECEDING)) AS numbered
    ), parts AS (
      SELECT k AS tile,
             (greatest(b.first, k * 256) - k * 256)::int2 AS start,
             (least(b.first + b.n, k * 256 + 256) - k * 256)::int2 AS width,
             substring(b.leaves FROM ((greatest(b.first, k * 256) - b.first) * 32 + 1)::int
                                FOR ((least(b.first + b.n, k * 256 + 256) - greatest(b.first, k * 256)) * 32)::int) AS hashes,
             substring(b.items FROM (coalesce(b.tile_ends[k - b.first / 256], 0) + 1)::int
                               FOR (coalesce(b.tile_ends[k - b.first / 256 + 1], octet_length(b.items))
                                    - coalesce(b.tile_ends[k - b.first / 256], 0))::int) AS bundle
        FROM b, generate_series(b.first / 256, (b.first + b.n - 1) / 256) AS k
       WHERE b.n > 0
    ), bundles AS (
      INSERT INTO log_entry_bundles (idx, width, start, entries)
      SELECT tile, width,
             CASE WHEN width = 256 THEN 0 ELSE start END,
             CASE WHEN width = 256 AND start > 0
                  THEN (SELECT string_agg(x.entries, ''::bytea ORDER BY x.width) FROM log_entry_bundles x WHERE x.idx = tile) || bundle
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
      SELECT first, first + n, ids, int8range(lo, hi, '[]') FROM b WHERE n > 0
    )
    SELECT first, n, sha256(leaves) AS digest FROM b`.execute();
  return { firstIndex: int8(row.first), count: int8(row.n), digest: row.digest as Uint8Array | null };
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
