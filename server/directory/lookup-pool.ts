// Lookups by address run on a few single-connection pools, taken round robin, with their
// queries pipelined on each connection, rather than on the shared pool. Why: postgres.js
// (3.4.x, src/queue.js) keeps each pool's connection queues (open, busy, ...) in arrays that
// shift() leaves holes in and that are only reset when a shift empties them; every hand-over
// of a connection then scans the array (remove: indexOf). A pool whose queues never quite
// empty (spare idle connections under light load, connections always busy under heavy load)
// gets slower with every query it has ever run: measured, +30 us of CPU a query within
// 100,000 queries, +40 % for a lookup within a minute of load. A pool of one connection
// empties its queues at every hand-over, and pipelining keeps it busy: the lookup benchmark's
// server CPU a request fell by a third (test/bench/README.md). The shared pool still serves
// everything else (and the log's proofs, whose tile cache is keyed by it).
import postgres, { type Sql } from 'postgres';

/** Connections (one pool each) that lookups are spread over. */
export const DEFAULT_LOOKUP_CONNECTIONS = 4;

export interface LookupPool {
  /** The next connection, round robin. */
  next(): Sql;
  end(): Promise<void>;
}

export function createLookupPool(databaseUrl: string, connections = DEFAULT_LOOKUP_CONNECTIONS): LookupPool {
  const pools = Array.from({ length: connections }, () => postgres(databaseUrl, { max: 1, onnotice: () => {} }));
  let i = 0;
  return {
    next() {
      i = (i + 1) % pools.length;
      return pools[i];
    },
    async end() {
      await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
    },
  };
}
