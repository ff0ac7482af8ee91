// startSequencer(): integrates pending entries continuously. Wakes on NOTIFY from
// appendPending, polls every intervalMs in case a notification was missed, and loops without
// waiting while batches come out full. stop() lets the integration in progress finish.
import type { Sql } from 'postgres';
import { PENDING_CHANNEL } from './coordination.ts';
import { checkIntegrateOptions, integrate, type IntegrateOptions, type IntegrateResult } from './integrate.ts';
import { checkInteger } from './tree-math.ts';

export interface SequencerOptions extends IntegrateOptions {
  /** Polling fallback, and the pause after an error (default 500 ms). */
  intervalMs?: number;
  /** Called with each failure; the sequencer carries on (default: console.error). */
  onError?: (err: unknown) => void;
  /** Called after each integrated batch. */
  onIntegrated?: (result: IntegrateResult) => void;
}

export interface Sequencer {
  /** Resolves once the sequencer listens for notifications (or failed to, reported to onError). */
  ready: Promise<void>;
  /** Stops; resolves once the integration in progress (if any) has finished. */
  stop(): Promise<void>;
}

export function startSequencer(sql: Sql, opts: SequencerOptions): Sequencer {
  const maxBatch = checkIntegrateOptions(opts);
  const intervalMs = checkInteger(opts.intervalMs ?? 500, 'intervalMs', 1);
  const onError = opts.onError ?? ((err: unknown) => console.error('sequencer:', err));
  let stopping = false;
  let due = true;
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    due = true;
    wakeUp?.();
  };
  const report = (err: unknown) => {
    try {
      onError(err);
    } catch {
      /* a throwing error handler must not stop the sequencer */
    }
  };

  const listening = sql.listen(PENDING_CHANNEL, wake).catch((err) => {
    report(err);
    return undefined;
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const loop = (async () => {
    while (!stopping) {
      if (!due) {
        await pause(intervalMs);
        due = true; // the poll: look even without a notification
        if (stopping) break;
      }
      due = false;
      try {
        const result = await integrate(sql, { ...opts, maxBatch });
        if (result) {
          opts.onIntegrated?.(result);
          if (result.appended >= maxBatch) due = true; // more may be waiting
        }
      } catch (err) {
        report(err);
        if (!stopping) await pause(intervalMs);
      }
    }
  })();

  return {
    ready: listening.then(() => undefined),
    async stop() {
      stopping = true;
      wakeUp?.();
      await loop;
      const l = await listening;
      await l?.unlisten().catch(report);
    },
  };
}
