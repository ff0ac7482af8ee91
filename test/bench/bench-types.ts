// The interface between the benchmark runner (run.ts) and its modules (*.bench.ts).
import type { Sql } from 'postgres';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchContext {
  /** Creates a fresh, migrated database and returns a pool on it (closed by the runner). */
  database(name: string, max?: number): Promise<{ sql: Sql; url: string }>;
  /** Progress output (stderr). */
  log(message: string): void;
}

export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Runs fn repeatedly for about `ms` milliseconds (at least once); returns calls per second. */
export async function ratePerSecond(ms: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  let n = 0;
  let now = start;
  while (n === 0 || now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
