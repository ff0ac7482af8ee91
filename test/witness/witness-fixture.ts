// Test aid: a real witness (server/witness startWitness) on a free 127.0.0.1 port with its own
// fresh database on the run's PostgreSQL and its own temp data directory and logs file;
// restart() brings it back on the same port, database and key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../server/db/free-port.ts';
import { loadWitnessConfig } from '../../server/witness/config.ts';
import { startWitness, type RunningWitness, type StartWitnessOptions } from '../../server/witness/start.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

export interface TestWitness {
  url: string;
  port: number;
  vkey: string;
  name: string;
  running: RunningWitness | null;
  db: TestDatabase;
  dataDir: string;
  post(body: string | Blob): Promise<Response>;
  /** Stops the HTTP server and its pool (the database stays). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestWitness(logLines: string[], opts: StartWitnessOptions & { name?: string } = {}): Promise<TestWitness> {
  const db = await freshDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'glasskey-witness-'));
  const logsFile = join(dataDir, 'logs');
  writeFileSync(logsFile, `# logs this test witness cosigns\n${logLines.join('\n')}\n`);
  const port = await freePort();
  const name = opts.name ?? `witness-${port}.test/w`;
  const config = loadWitnessConfig({
    WITNESS_PORT: String(port),
    WITNESS_HOST: '127.0.0.1',
    WITNESS_DATA_DIR: dataDir,
    WITNESS_DATABASE_URL: db.url,
    WITNESS_LOGS_FILE: logsFile,
    WITNESS_NAME: name,
  });
  const quiet = opts.log ?? (() => {});
  const start = () => startWitness(config, { ...opts, log: quiet });
  const w: TestWitness = {
    url: `http://127.0.0.1:${port}`,
    port,
    vkey: '',
    name,
    running: await start(),
    db,
    dataDir,
    post: (body) => fetch(`${w.url}/add-checkpoint`, { method: 'POST', body }),
    async stop() {
      await w.running?.stop();
      w.running = null;
    },
    async restart() {
      await w.stop();
      w.running = await start();
    },
    async close() {
      await w.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  w.vkey = w.running!.vkey;
  return w;
}
