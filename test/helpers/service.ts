// Starts the whole directory for an end-to-end test: its own database on the run's real
// PostgreSQL, a real SMTP server receiving the mails, a temp data directory, a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { freePort } from '../../server/db/free-port.ts';
import { startService, type RunningService, type StartOptions } from '../../server/start.ts';
import { freshDatabase, type TestDatabase } from './db.ts';
import { startSmtpSink, type Received, type SmtpSink } from '../mail/smtp-sink.ts';

export interface TestService extends RunningService {
  db: TestDatabase;
  smtp: SmtpSink;
  dataDir: string;
  /** Waits for the next mail to `address` (after `seen` earlier ones) and returns its /verify/ link. */
  linkFor(address: string, seen?: number): Promise<string>;
  mailsTo(address: string): Received[];
  close(): Promise<void>;
}

export async function startTestService(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestService> {
  const db = await freshDatabase({ migrate: false });
  const smtp = await startSmtpSink();
  const dataDir = mkdtempSync(join(tmpdir(), 'glasskey-svc-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    GLASSKEY_DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    GLASSKEY_MAIL_FROM: 'glasskey test <noreply@glasskey.test>',
    GLASSKEY_WKD_DOMAINS: 'example.org',
    ...env,
  });
  const logs: string[] = [];
  const service = await startService(config, {
    sequencerIntervalMs: 100,
    mailPollingSeconds: 0.5,
    log: (m, err) => logs.push(err ? `${m} ${String((err as Error)?.stack ?? err)}` : m),
    ...opts,
  });
  const mailsTo = (address: string) => smtp.received.filter((r) => r.rcptTo.includes(address));
  return {
    ...service,
    db,
    smtp,
    dataDir,
    mailsTo,
    async linkFor(address: string, seen = 0) {
      await smtp.until(() => mailsTo(address).length > seen, 20_000);
      const mail = mailsTo(address)[seen];
      const text = mail.parsed.text ?? '';
      const m = new RegExp(`${service.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/verify/[A-Za-z0-9_-]+`).exec(text);
      if (!m) throw new Error(`no verification link in the mail to ${address}:\n${text}`);
      return m[0];
    },
    async close() {
      await service.stop();
      await smtp.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
      const bad = logs.filter((l) => /unexpected error/.test(l));
      if (bad.length > 0) throw new Error(`the service logged unexpected errors:\n${bad.join('\n')}`);
    },
  };
}
