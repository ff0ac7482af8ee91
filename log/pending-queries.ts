// SQL for log_pending (entries stored as entry-bundle items) and the pending id -> leaf index lookup.
import { PENDING_CHANNEL, type SqlLike } from './coordination.ts';
import { packBytes } from './sql-arrays.ts';
import { bundleItem } from './tile-rows.ts';
import { int8 } from './tree-math.ts';

/** Inserts entries in order and notifies the sequencers (on commit); returns the ids in input order. */
export async function insertPending(sql: SqlLike, entries: readonly Uint8Array[]): Promise<number[]> {
  // Rows are inserted in ordinality order, so the sequence hands out increasing ids in input order.
  const packed = packBytes(entries.map(bundleItem));
  const rows = await sql`
    WITH inserted AS (
      INSERT INTO log_pending (item)
      SELECT substring(${packed.blob}::bytea FROM o + 1 FOR l)
        FROM unnest(${packed.offsets}::int4[], ${packed.lengths}::int4[]) WITH ORDINALITY AS t(o, l, n)
       ORDER BY n
      RETURNING id
    )
    SELECT inserted.id FROM inserted, (SELECT pg_notify(${PENDING_CHANNEL}, '')) AS notified`;
  const ids = rows.map((r) => int8(r.id)).sort((a, b) => a - b);
  if (ids.length !== entries.length) throw new Error(`inserted ${ids.length} pending rows for ${entries.length} entries`);
  return ids;
}

/** In one snapshot: the leaf index of a pending id if integrated, and whether it is still pending. */
export async function lookupPendingId(sql: SqlLike, id: number): Promise<{ index: number | null; pending: boolean }> {
  const [row] = await sql`
    SELECT
      (SELECT b.first_index + array_position(b.pending_ids, ${id}::int8) - 1
         FROM log_batches b
        WHERE b.pending_range @> ${id}::int8 AND ${id}::int8 = ANY (b.pending_ids)
        LIMIT 1) AS index,
      EXISTS (SELECT 1 FROM log_pending WHERE id = ${id}::int8) AS pending`;
  return { index: row.index === null ? null : int8(row.index), pending: row.pending === true };
}
