// The mail queue end to end: pg-boss 10 on a real PostgreSQL, nodemailer to a real SMTP
// server, mailparser reading what arrived. Failures (5xx, nobody listening) are retried with
// backoff and end as failed jobs; stop() waits for a send under way.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { freePort } from '../../server/db/free-port.ts';
import { createTransport } from '../../server/mail/transport.ts';
import { startMailQueue, type MailQueue, type MailQueueOptions } from '../../server/mail/queue.ts';
import { verificationMail } from '../../server/mail/templates.ts';
import { MailContentError, MailQueueError } from '../../server/mail/errors.ts';
import { recordingLog, startSmtpSink, until, type SmtpSink } from './smtp-sink.ts';

let db: TestDatabase;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
  await db?.close();
});

const FROM = 'glasskey <noreply@keys.example.org>';
const FPR = 'D4AB192964F76A7F8F8A9B357BD18320DEADBEEF';
let schemas = 0;

function mailFor(to: string) {
  const token = randomBytes(16).toString('base64url');
  const link = `https://keys.example.org/verify/${token}`;
  const mail = verificationMail({
    to,
    address: to,
    fingerprint: FPR,
    link,
    action: 'bind',
    serviceName: 'glasskey',
    publicUrl: 'https://keys.example.org',
  });
  return { mail, link, token };
}

async function queueFor(sink: SmtpSink | { port: number }, extra: Partial<MailQueueOptions> = {}) {
  const rec = recordingLog();
  const q = await startMailQueue({
    databaseUrl: db.url,
    transport: createTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, timeouts: { connectionMs: 2000, greetingMs: 2000, socketMs: 5000 } }),
    from: FROM,
    log: rec.log,
    schema: `mail_t${++schemas}`,
    pollingIntervalSeconds: 0.5,
    ...extra,
  });
  cleanup.push(() => q.stop());
  return { q, ...rec };
}

async function job(q: MailQueue, id: string) {
  const [row] = await db.sql`
    SELECT state, retry_count, retry_limit, output, data::text AS data
    FROM ${db.sql(q.schema)}.job WHERE id = ${id}`;
  return row;
}

async function sinkFor(opts: Parameters<typeof startSmtpSink>[0] = {}) {
  const sink = await startSmtpSink(opts);
  cleanup.push(() => sink.close());
  return sink;
}

describe('delivery', () => {
  test('a verification mail goes through pg-boss and nodemailer to the SMTP server', async () => {
    const sink = await sinkFor();
    const { q, entries } = await queueFor(sink);
    const { mail, link } = mailFor('alice@example.org');
    const id = await q.send(mail);
    const [got] = await sink.waitFor(1);
    expect(got.rcptTo).toEqual(['alice@example.org']);
    expect(got.mailFrom).toBe('noreply@keys.example.org');
    expect(got.parsed.subject).toBe(mail.subject);
    expect(got.parsed.subject).toContain('alice@example.org');
    const to = got.parsed.to;
    expect(Array.isArray(to) ? to : to?.value).toBeTruthy();
    expect((Array.isArray(to) ? to[0] : to!).value.map((a) => a.address)).toEqual(['alice@example.org']);
    expect(got.parsed.from?.value[0]).toEqual({ address: 'noreply@keys.example.org', name: 'glasskey' });
    expect(got.parsed.text?.split('\n')).toContain(link);
    expect(got.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    for (const line of got.raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

    await until(async () => (await job(q, id)).state === 'completed', 5000, 'job completed');
    const row = await job(q, id);
    expect(row.output.messageId).toBe(got.parsed.messageId);
    expect(entries.find((e) => e.message === 'mail sent')?.fields).toMatchObject({ job: id, to: 'alice@example.org', attempt: 1 });
    // Logs never carry the link.
    expect(JSON.stringify(entries)).not.toContain(link);
  });

  test('pg-boss lives in the configured schema', async () => {
    const sink = await sinkFor();
    const { q } = await queueFor(sink, { schema: 'glasskey_jobs', queueName: 'verify-mail' });
    expect(q.schema).toBe('glasskey_jobs');
    const schemasNow = (await db.sql`SELECT nspname FROM pg_namespace`).map((r) => r.nspname);
    expect(schemasNow).toContain('glasskey_jobs');
    expect(schemasNow).not.toContain('pgboss');
    const [queue] = await db.sql`SELECT name, retry_limit, retry_backoff FROM glasskey_jobs.queue`;
    expect(queue).toMatchObject({ name: 'verify-mail', retry_limit: 5, retry_backoff: true });
    const id = await q.send(mailFor('bob@example.org').mail);
    await sink.waitFor(1);
    const [row] = await db.sql`SELECT name, retry_limit, retry_delay, retry_backoff FROM glasskey_jobs.job WHERE id = ${id}`;
    expect(row).toMatchObject({ name: 'verify-mail', retry_limit: 5, retry_delay: 30, retry_backoff: true });
  });

  test('several workers and two queue processes share the jobs: each mail exactly once', async () => {
    const sink = await sinkFor({ dataDelayMs: 300 });
    const schema = `mail_shared_${++schemas}`;
    const [a, b] = await Promise.all([queueFor(sink, { schema, concurrency: 3 }), queueFor(sink, { schema, concurrency: 2 })]);
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { mail } = mailFor(`user${i}@example.org`);
      sent.push(mail.to);
      await (i % 2 ? b.q : a.q).send(mail);
    }
    await sink.waitFor(12, 20_000);
    await new Promise((r) => setTimeout(r, 1200)); // room for a duplicate to show up
    expect(sink.received.map((r) => r.rcptTo[0]).sort()).toEqual(sent.sort());
    expect(sink.maxSessions).toBeGreaterThanOrEqual(3);
    const senders = [a, b].map((x) => x.entries.filter((e) => e.message === 'mail sent').length);
    expect(senders[0] + senders[1]).toBe(12);
    expect(senders.every((n) => n > 0)).toBe(true);
  });

  test('the console transport through the queue prints the whole mail', async () => {
    const out: string[] = [];
    const rec = recordingLog();
    const q = await startMailQueue({
      databaseUrl: db.url,
      transport: createTransport({ write: (t) => out.push(t) }),
      from: FROM,
      log: rec.log,
      schema: `mail_console_${++schemas}`,
      pollingIntervalSeconds: 0.5,
    });
    cleanup.push(() => q.stop());
    const { mail, link } = mailFor('carol@example.org');
    await q.send(mail);
    await until(() => out.length === 1, 10_000, 'printed mail');
    expect(out[0]).toContain(`To: carol@example.org\n`);
    expect(out[0]).toContain(`Subject: ${mail.subject}\n`);
    expect(out[0]).toContain(`From: ${FROM}\n`);
    expect(out[0].split('\n')).toContain(link);
  });

  test('with a payload key the job row holds neither the link nor the address', async () => {
    const sink = await sinkFor();
    const { q } = await queueFor(sink, { payloadKey: randomBytes(32) });
    const { mail, link, token } = mailFor('dave@example.org');
    const id = await q.send(mail);
    const [got] = await sink.waitFor(1);
    expect(got.parsed.text?.split('\n')).toContain(link);
    await until(async () => (await job(q, id)).state === 'completed', 5000, 'job completed');
    const row = await job(q, id);
    expect(row.data).toContain('sealed');
    expect(row.data).not.toContain(token);
    expect(row.data).not.toContain('dave');
    expect(JSON.stringify(row.output)).not.toContain(token);
  });
});

describe('refusing bad mail at the door', () => {
  test.each([
    ['to', { to: 'alice@example.org\r\nBcc: eve@example.org' }],
    ['to', { to: 'alice@example.org, eve@example.org' }],
    ['to', { to: 'Alice <alice@example.org>' }],
    ['subject', { subject: 'hello\nBcc: eve@example.org' }],
    ['subject', { subject: 'hello\u2028world' }],
    ['text', { text: '' }],
  ])('%s: %j', async (field, bad) => {
    const sink = await sinkFor();
    const { q } = await queueFor(sink);
    const err = await q.send({ ...mailFor('alice@example.org').mail, ...bad }).catch((e) => e);
    expect(err).toBeInstanceOf(MailContentError);
    expect(err.field).toBe(field);
    const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM ${db.sql(q.schema)}.job`;
    expect(n).toBe(0);
  });

  test('a bad From or schema is refused before pg-boss starts', async () => {
    await expect(queueFor({ port: 1 }, { from: 'a@b.org\r\nBcc: c@d.org' })).rejects.toBeInstanceOf(MailContentError);
    await expect(queueFor({ port: 1 }, { schema: 'x; DROP TABLE y' })).rejects.toBeInstanceOf(MailQueueError);
    await expect(queueFor({ port: 1 }, { payloadKey: new Uint8Array(16) })).rejects.toThrow(/32 bytes/);
  });
});

describe('failures', () => {
  test('an SMTP server answering 550 gets retries with backoff, then the job fails', async () => {
    const sink = await sinkFor({ rejectRcpt: { code: 550, message: 'No such user here' } });
    const { q, entries } = await queueFor(sink, { retry: { limit: 2, delaySeconds: 1, backoff: true } });
    const id = await q.send(mailFor('nobody@example.org').mail);
    await until(async () => (await job(q, id)).state === 'failed', 25_000, 'failed job');
    expect(sink.refusals).toHaveLength(3);
    const [t0, t1, t2] = sink.refusals;
    // pg-boss backoff: retry n waits delay * 2^n / 2 * (1 + random): 1..2 s, then 2..4 s.
    expect(t1 - t0).toBeGreaterThanOrEqual(900);
    expect(t2 - t1).toBeGreaterThanOrEqual(1900);
    const row = await job(q, id);
    expect(row.retry_count).toBe(2);
    expect(row.output).toMatchObject({ responseCode: 550 });
    expect(row.output.message).toMatch(/No such user here/);
    const warns = entries.filter((e) => e.message === 'mail failed, will retry');
    expect(warns.map((w) => w.fields.attempt)).toEqual([1, 2]);
    const final = entries.filter((e) => e.message === 'mail failed for good');
    expect(final).toHaveLength(1);
    expect(final[0].fields).toMatchObject({ job: id, to: 'nobody@example.org', attempts: 3, responseCode: 550 });

    // The worker survived: once the server accepts again, the next mail goes through.
    delete sink.options.rejectRcpt;
    const next = mailFor('somebody@example.org');
    await q.send(next.mail);
    const got = await sink.waitFor(1);
    expect(got[0].parsed.text).toContain(next.link);
  });

  test('a port nobody listens on: retries, then a failed job naming the refusal', async () => {
    const port = await freePort();
    const { q, entries } = await queueFor({ port }, { retry: { limit: 1, delaySeconds: 1, backoff: true } });
    const id = await q.send(mailFor('alice@example.org').mail);
    await until(async () => (await job(q, id)).state === 'failed', 20_000, 'failed job');
    const row = await job(q, id);
    expect(row.retry_count).toBe(1);
    expect(row.output.message).toMatch(/ECONNREFUSED/);
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(entries.filter((e) => e.message === 'mail failed for good')).toHaveLength(1);
  });

  test('connections killed under the queue: it recovers and keeps sending', async () => {
    const sink = await sinkFor();
    const { q, entries } = await queueFor(sink);
    await q.send(mailFor('first@example.org').mail);
    await sink.waitFor(1);
    const killed = await db.sql`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'glasskey-mail' AND datname = current_database()`;
    expect(killed.length).toBeGreaterThan(0);
    // The pool reports its dead idle connections as 'error' events: logged, not thrown.
    await until(() => entries.some((e) => e.message === 'mail queue: pg-boss error'), 5000, 'pool error logged');
    expect(entries.find((e) => e.message === 'mail queue: pg-boss error')?.fields.code).toBe('57P01');
    // The first send after the kill may land on a dead pooled connection; pg drops it.
    const retrySend = async () => {
      for (let i = 0; ; i++) {
        try {
          return await q.send(mailFor('second@example.org').mail);
        } catch (err) {
          if (i >= 5) throw err;
        }
      }
    };
    await retrySend();
    const got = await sink.waitFor(2);
    expect(got[1].rcptTo).toEqual(['second@example.org']);
  });
});

describe('stop', () => {
  test('waits for a send under way, records it, then refuses new mail', async () => {
    const sink = await sinkFor({ dataDelayMs: 1500 });
    const { q, entries } = await queueFor(sink);
    const id = await q.send(mailFor('slow@example.org').mail);
    await until(() => sink.dataStarts.length === 1, 10_000, 'DATA');
    const t = Date.now();
    await q.stop();
    expect(Date.now() - t).toBeGreaterThanOrEqual(1000);
    expect(sink.received).toHaveLength(1);
    expect((await job(q, id)).state).toBe('completed');
    expect(entries.at(-1)?.message).toBe('mail queue stopped');
    await expect(q.send(mailFor('late@example.org').mail)).rejects.toBeInstanceOf(MailQueueError);
    await q.stop(); // idempotent
    const [{ n }] = await db.sql`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'glasskey-mail'
      AND datname = current_database() AND query LIKE ${`%${q.schema}.%`}`;
    expect(n).toBe(0);
  });

  test('a send that outlasts the stop timeout is left for pg-boss to retry', async () => {
    const sink = await sinkFor({ dataDelayMs: 3000 });
    const { q, entries } = await queueFor(sink, { stopTimeoutSeconds: 0.3 });
    const id = await q.send(mailFor('slower@example.org').mail);
    await until(() => sink.dataStarts.length === 1, 10_000, 'DATA');
    const t = Date.now();
    await q.stop();
    expect(Date.now() - t).toBeLessThan(2500);
    expect(entries.some((e) => e.level === 'warn' && /still under way/.test(e.message))).toBe(true);
    expect((await job(q, id)).state).toBe('active');
  });
});
