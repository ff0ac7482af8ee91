// The mail queue: pg-boss 10 jobs in PostgreSQL (its own schema, default "pgboss"), so any
// server process may enqueue and any may send. Each job is tried up to 1 + retry.limit times
// with exponential backoff; a mail that keeps failing ends as a failed job and an error in
// the log, never as a crash. stop() lets sends under way finish before closing.
//
// The worker loop is ours (fetch, send, complete/fail, each awaited) rather than pg-boss's
// work(): in pg-boss 10.4, work() calls complete()/fail() without awaiting them, so a
// database error at that moment becomes an unhandled rejection (which ends a Node process),
// and its graceful stop polls every 500 ms.
import PgBoss from 'pg-boss';
import { MailQueueError, MailSendTimeoutError } from './errors.ts';
import { assertSingleMailbox } from './header-safety.ts';
import { decodeMailJob, encodeMailJob, type MailJobData } from './mail-job.ts';
import { checkMail, type Mail } from './message.ts';
import { checkSealKey } from './seal.ts';
import type { MailTransport } from './transport-types.ts';

export interface MailLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 5). */
  limit?: number;
  /** Base delay in seconds (default 30); with backoff the n-th retry waits about delay * 2^(n-1) to twice that. */
  delaySeconds?: number;
  /** Exponential backoff (default true). */
  backoff?: boolean;
}

export interface MailQueueOptions {
  databaseUrl: string;
  transport: MailTransport;
  /** The From header: `glasskey <noreply@example.org>`. */
  from: string;
  log: MailLog;
  /** Mails sent at once by this process (default 2). */
  concurrency?: number;
  /** pg-boss schema (default "pgboss"). */
  schema?: string;
  /** pg-boss queue name (default "mail"). */
  queueName?: string;
  retry?: RetryPolicy;
  /** How often an idle worker looks for jobs (default 2 s; at least 0.5). */
  pollingIntervalSeconds?: number;
  /** A send taking longer counts as failed (default 120 s). */
  sendTimeoutSeconds?: number;
  /** How long stop() waits for sends under way (default 30 s). */
  stopTimeoutSeconds?: number;
  /** 32-byte key: queued mails (and their links) are stored encrypted. */
  payloadKey?: Uint8Array;
}

export interface MailQueue {
  /** Enqueues a mail; resolves to the pg-boss job id. */
  send(mail: Mail): Promise<string>;
  /** Stops fetching, waits for sends under way, closes pg-boss's pool. Idempotent. */
  stop(): Promise<void>;
  readonly schema: string;
  readonly queueName: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,49}$/;
const QUEUE = /^[a-z][a-z0-9_-]{0,49}$/;

function positive(name: string, v: number | undefined, fallback: number, min: number, integer: boolean): number {
  const n = v ?? fallback;
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new MailQueueError(`${name} must be ${integer ? 'a whole number' : 'a number'} >= ${min}`);
  return n;
}

/** What is kept of an error in the job's output and the log: no mail content. */
function describeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; message?: string; code?: string; responseCode?: number; command?: string };
  const out: Record<string, unknown> = { name: e?.name ?? 'Error', message: String(e?.message ?? err) };
  if (e?.code) out.code = e.code;
  if (e?.responseCode) out.responseCode = e.responseCode;
  if (e?.command) out.command = e.command;
  return out;
}

function withTimeout<T>(p: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MailSendTimeoutError(seconds)), seconds * 1000);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function startMailQueue(opts: MailQueueOptions): Promise<MailQueue> {
  const { transport, log } = opts;
  const schema = opts.schema ?? 'pgboss';
  const queueName = opts.queueName ?? 'mail';
  if (!IDENT.test(schema)) throw new MailQueueError('schema must be a lower-case SQL identifier of at most 50 characters');
  if (!QUEUE.test(queueName)) throw new MailQueueError('queueName must be lower-case letters, digits, "_" or "-"');
  assertSingleMailbox('from', opts.from);
  if (opts.payloadKey) checkSealKey(opts.payloadKey);
  const concurrency = positive('concurrency', opts.concurrency, 2, 1, true);
  const retryLimit = positive('retry.limit', opts.retry?.limit, 5, 0, true);
  const retryDelay = positive('retry.delaySeconds', opts.retry?.delaySeconds, 30, 0, true);
  const retryBackoff = opts.retry?.backoff ?? true;
  const pollMs = positive('pollingIntervalSeconds', opts.pollingIntervalSeconds, 2, 0.5, false) * 1000;
  const sendTimeout = positive('sendTimeoutSeconds', opts.sendTimeoutSeconds, 120, 1, false);
  const stopTimeoutMs = positive('stopTimeoutSeconds', opts.stopTimeoutSeconds, 30, 0, false) * 1000;
  // pg-boss fails a job left active this long (its process died mid-send) so that it is retried.
  const expireInSeconds = Math.ceil(sendTimeout) + 60;
  const jobOptions = { retryLimit, retryDelay, retryBackoff, expireInSeconds };

  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    schema,
    application_name: 'glasskey-mail',
    max: concurrency + 2,
    schedule: false, // no cron jobs here; saves a timer and its queries
  });
  // pg-boss re-emits pool and maintenance errors; an EventEmitter 'error' without a
  // listener would throw and end the process.
  boss.on('error', (err) => log.error('mail queue: pg-boss error', describeError(err)));
  try {
    await boss.start();
    await boss.createQueue(queueName, { name: queueName, policy: 'standard', ...jobOptions });
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw new MailQueueError(`cannot start pg-boss in schema ${schema}: ${(err as Error).message}`, { cause: err });
  }

  let stopping = false;
  let stopped: Promise<void> | undefined;
  const wakers = new Set<() => void>();
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });
  const wakeAll = () => [...wakers].forEach((w) => w());

  async function deliver(job: PgBoss.JobWithMetadata<MailJobData>): Promise<void> {
    const attempt = job.retryCount + 1;
    const last = job.retryCount >= job.retryLimit;
    let to: string | undefined;
    try {
      const mail = decodeMailJob(job.data, opts.payloadKey);
      to = mail.to;
      const headers = { 'Auto-Submitted': 'auto-generated' };
      const { messageId } = await withTimeout(transport.send({ ...mail, from: opts.from, headers }), sendTimeout);
      log.info('mail sent', { job: job.id, to, messageId, attempt });
      try {
        await boss.complete(queueName, job.id, { messageId });
      } catch (err) {
        log.error('mail sent but not marked complete; it may be sent again', { job: job.id, ...describeError(err) });
      }
    } catch (err) {
      const detail = describeError(err);
      try {
        await boss.fail(queueName, job.id, detail);
      } catch (e) {
        log.error('mail failed and the failure was not recorded; retried after expiry', { job: job.id, ...describeError(e) });
      }
      if (last) log.error('mail failed for good', { job: job.id, to, attempts: attempt, ...detail });
      else log.warn('mail failed, will retry', { job: job.id, to, attempt, retriesLeft: job.retryLimit - job.retryCount, ...detail });
    }
  }

  async function worker(): Promise<void> {
    while (!stopping) {
      try {
        // fetch() returns [] on a database error (pg-boss swallows it), so a database outage
        // just looks like an empty queue until it is back.
        const jobs = await boss.fetch<MailJobData>(queueName, { batchSize: 1, includeMetadata: true });
        if (jobs.length === 0) {
          await idle(pollMs);
          continue;
        }
        await deliver(jobs[0]);
      } catch (err) {
        log.error('mail queue: worker error', describeError(err));
        await idle(pollMs);
      }
    }
  }

  const workers = Array.from({ length: concurrency }, () => worker());
  log.info('mail queue started', { schema, queue: queueName, concurrency, transport: transport.description });

  return {
    schema,
    queueName,
    async send(mail: Mail): Promise<string> {
      if (stopping) throw new MailQueueError('is stopped');
      const data = encodeMailJob(checkMail(mail), opts.payloadKey);
      let id: string | null;
      try {
        id = await boss.send(queueName, data, jobOptions);
      } catch (err) {
        throw new MailQueueError(`cannot enqueue: ${(err as Error).message}`, { cause: err });
      }
      if (!id) throw new MailQueueError(`pg-boss created no job (does queue ${queueName} exist in schema ${schema}?)`);
      wakeAll();
      return id;
    },
    stop(): Promise<void> {
      stopped ??= (async () => {
        stopping = true;
        wakeAll();
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          Promise.all(workers).then(() => true),
          new Promise<false>((r) => (timer = setTimeout(() => r(false), stopTimeoutMs))),
        ]);
        clearTimeout(timer);
        if (!finished) log.warn('mail queue: stopped with sends still under way; pg-boss retries them after they expire');
        await boss.stop({ graceful: false, close: true, wait: true });
        log.info('mail queue stopped');
      })();
      return stopped;
    },
  };
}
