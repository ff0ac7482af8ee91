// The scheduled purge (purge.ts) as a pg-boss job: every process offers a "purge" job each
// tick with sendThrottled, which lets pg-boss create at most one per interval across all
// processes sharing the database, and whichever process fetches it runs it. A failed run is
// retried by pg-boss; errors are logged, never thrown.
//
// Not boss.schedule(): its cron needs pg-boss's timekeeper, whose internal work() loop calls
// complete() without awaiting it, so a database error at that moment would be an unhandled
// rejection that ends the process (see server/mail/queue.ts). Here every call is awaited.
import PgBoss from 'pg-boss';
import type { Sql } from 'postgres';
import { purgeUnverified, type PurgeResult } from './purge.ts';

export const PURGE_QUEUE = 'purge';

export interface PurgeJobOptions {
  databaseUrl: string;
  sql: Sql;
  retentionDays: number;
  now: () => Date;
  log: (message: string, err?: unknown) => void;
  /** At most one purge per this many seconds (default 3600). */
  intervalSeconds?: number;
  /** pg-boss schema (default "pgboss", shared with the mail queue). */
  schema?: string;
}

export interface PurgeJob {
  /** What each run made by this process deleted, oldest first (for tests). */
  readonly runs: PurgeResult[];
  stop(): Promise<void>;
}

export async function startPurgeJob(opts: PurgeJobOptions): Promise<PurgeJob> {
  const interval = opts.intervalSeconds ?? 3600;
  if (!Number.isInteger(interval) || interval < 1) throw new RangeError('intervalSeconds must be a whole number >= 1');
  const tickMs = Math.min(interval, 60) * 1000;
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    schema: opts.schema ?? 'pgboss',
    application_name: 'glasskey-purge',
    max: 2,
    schedule: false,
  });
  boss.on('error', (err) => opts.log('purge job: pg-boss error', err));
  const jobOptions = { retryLimit: 2, retryDelay: 60, expireInSeconds: 15 * 60 };
  try {
    await boss.start();
    // Processes starting together may deadlock in pg-boss's create_queue (both insert the
    // queue row and create its partition): PostgreSQL aborts one of them, which tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.createQueue(PURGE_QUEUE, { name: PURGE_QUEUE, policy: 'standard', ...jobOptions });
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw err;
  }

  const runs: PurgeResult[] = [];
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  async function tick(): Promise<void> {
    await boss.sendThrottled(PURGE_QUEUE, {}, jobOptions, interval, PURGE_QUEUE);
    const [job] = await boss.fetch(PURGE_QUEUE, { batchSize: 1 });
    if (!job) return;
    try {
      const result = await purgeUnverified(opts.sql, { retentionDays: opts.retentionDays, now: opts.now() });
      runs.push(result);
      if (result.certificates + result.uploadTokens + result.verificationTokens > 0)
        opts.log(
          `purge: deleted ${result.certificates} certificate(s) never verified in ${opts.retentionDays} days, ` +
            `${result.uploadTokens} expired upload token(s), ${result.verificationTokens} expired link(s)`,
        );
      await boss.complete(PURGE_QUEUE, job.id, { ...result });
    } catch (err) {
      opts.log('purge job failed; pg-boss retries it', err);
      await boss.fail(PURGE_QUEUE, job.id, { message: String((err as Error)?.message ?? err) }).catch(() => {});
    }
  }

  const loop = (async () => {
    while (!stopping) {
      try {
        await tick();
      } catch (err) {
        opts.log('purge job: could not reach the queue', err);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, tickMs);
      });
    }
  })();

  return {
    runs,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      await boss.stop({ graceful: false, close: true, wait: true });
    },
  };
}
