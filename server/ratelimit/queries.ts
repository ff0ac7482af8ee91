// The SQL of the rate limiter (table: migrations/003_rate_limits.sql). `now` is the clock:
// null means the database's now(), so that every server process counts on one clock; a
// Date is used by tests to move through windows without sleeping.
import type { Sql } from 'postgres';

export interface HitRow {
  hits: number;
  seconds_left: number;
}

/**
 * Counts one hit against key_hash, atomically: a single INSERT ... ON CONFLICT DO UPDATE.
 * Concurrent hits on one key serialize on its row; each sees the count including itself.
 * A window that has ended is replaced by one starting now; hits within a window, allowed
 * or not, are counted (they do not extend it). The count saturates at the integer limit.
 */
export async function hitQuery(sql: Sql, keyHash: Uint8Array, windowSeconds: number, now: Date | null): Promise<HitRow> {
  const [row] = await sql<HitRow[]>`
    INSERT INTO rate_limits AS r (key_hash, window_end, hits)
    VALUES (${keyHash}, COALESCE(${now}::timestamptz, now()) + make_interval(secs => ${windowSeconds}::float8), 1)
    ON CONFLICT (key_hash) DO UPDATE SET
      hits = CASE
        WHEN r.window_end <= COALESCE(${now}::timestamptz, now()) THEN 1
        WHEN r.hits < 2147483647 THEN r.hits + 1
        ELSE r.hits
      END,
      window_end = CASE
        WHEN r.window_end <= COALESCE(${now}::timestamptz, now()) THEN EXCLUDED.window_end
        ELSE r.window_end
      END
    RETURNING hits,
      ceil(extract(epoch FROM r.window_end - COALESCE(${now}::timestamptz, now())))::int AS seconds_left`;
  return row;
}

/**
 * Deletes up to `batch` rows whose window has ended. Rows being hit right now are skipped
 * (SKIP LOCKED), so pruning never waits for, nor blocks, a request.
 */
export async function pruneQuery(sql: Sql, batch: number, now: Date | null): Promise<number> {
  const rows = await sql`
    WITH doomed AS (
      SELECT key_hash FROM rate_limits
      WHERE window_end <= COALESCE(${now}::timestamptz, now())
      LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    )
    DELETE FROM rate_limits r USING doomed d
    WHERE r.key_hash = d.key_hash
    RETURNING 1`;
  return rows.count;
}
