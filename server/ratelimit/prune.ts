// Removes ended rate-limit windows in small batches, and a timer that does so now and then
// (any number of server processes may run one: they skip each other's rows).
import type { Sql } from 'postgres';
import { pruneQuery } from './queries.ts';

export interface PruneOptions {
  /** Rows per DELETE (default 1000). */
  batchSize?: number;
  /** Upper bound on DELETEs per call (default 100). */
  maxBatches?: number;
  /** The clock; default the database's now(). For tests. */
  now?: Date;
}

/** Returns the number of rows deleted. */
export async function pruneRateLimits(sql: Sql, opts: PruneOptions = {}): Promise<number> {
  const batch = opts.batchSize ?? 1000;
  const maxBatches = opts.maxBatches ?? 100;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await pruneQuery(sql, batch, opts.now ?? null);
    total += n;
    if (n < batch) break;
  }
  return total;
}

export interface RateLimitPruner {
  /** Stops the timer and waits for a prune under way. */
  stop(): Promise<void>;
}

export function startRateLimitPruner(
  sql: Sql,
  opts: { intervalSeconds?: number; onError?: (err: unknown) => void } = {},
): RateLimitPruner {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = pruneRateLimits(sql)
      .then(() => undefined, (err) => opts.onError?.(err))
      .finally(() => (running = undefined));
  }, (opts.intervalSeconds ?? 60) * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
