// The log's size over time for the /log chart, from the log_checkpoints table: at most
// `buckets` points (the largest size in each equal slice of time), oldest first, so the
// chart stays small however many checkpoints the log has signed.
import type { Sql } from 'postgres';

export interface GrowthPoint {
  size: number;
  at: Date;
}

export async function logGrowth(sql: Sql, buckets = 120): Promise<GrowthPoint[]> {
  const rows = await sql`
    WITH span AS (SELECT extract(epoch FROM min(created_at)) AS lo, extract(epoch FROM max(created_at)) AS hi FROM log_checkpoints)
    SELECT max(c.size) AS size, max(c.created_at) AS at
    FROM log_checkpoints c, span
    GROUP BY width_bucket(extract(epoch FROM c.created_at), span.lo, span.hi + 0.001, ${buckets}::int)
    ORDER BY 1`;
  return rows.map((r) => ({ size: Number(r.size), at: new Date(r.at as Date) }));
}
