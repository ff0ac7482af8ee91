// waitForIndex(): the leaf index a pending entry got, once integrated. Answers at once if it
// already is; otherwise listens for the integrator's NOTIFY (with a polling fallback) until
// the timeout, then throws WaitTimeoutError.
import type { Sql } from 'postgres';
import { INTEGRATED_CHANNEL } from './coordination.ts';
import { LogError, WaitTimeoutError } from './errors.ts';
import { lookupPendingId } from './pending-queries.ts';
import { checkInteger } from './tree-math.ts';

const POLL_MS = 250;

export async function waitForIndex(sql: Sql, pendingId: number, timeoutMs: number): Promise<number> {
  checkInteger(pendingId, 'pendingId', 1);
  checkInteger(timeoutMs, 'timeoutMs');
  const deadline = Date.now() + timeoutMs;
  const look = async () => {
    const r = await lookupPendingId(sql, pendingId);
    if (r.index === null && !r.pending) {
      throw new LogError('unknown-pending-id', `pending id ${pendingId} is neither pending nor integrated`);
    }
    return r.index;
  };
  const first = await look();
  if (first !== null) return first;

  let signal: (() => void) | undefined;
  const listener = await sql.listen(INTEGRATED_CHANNEL, () => signal?.());
  try {
    for (;;) {
      const index = await look(); // after LISTEN: no integration can slip between look and wait
      if (index !== null) return index;
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeoutError(pendingId, timeoutMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, POLL_MS));
        function done() {
          clearTimeout(timer);
          signal = undefined;
          resolve();
        }
        signal = done;
      });
    }
  } finally {
    await listener.unlisten();
  }
}
