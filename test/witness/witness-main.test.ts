// `npm run witness` as an operator runs it: server/witness/main.ts in its own process,
// configured only by the environment. It prints its vkey, creates its key on first start in
// the data directory and reuses it after, cosigns over HTTP, and refuses to start with a
// missing logs file or a key under another name.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVkey, verifyNote } from '@glasskey/verifier';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../server/db/free-port.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { MemoryLog, requestBody } from './memory-log.ts';

let db: TestDatabase;
let dir: string;
const log = new MemoryLog().append(5);

beforeAll(async () => {
  db = await freshDatabase({ migrate: false });
  dir = mkdtempSync(join(tmpdir(), 'glasskey-witness-main-'));
  writeFileSync(join(dir, 'logs'), `# witnessed logs\nlog ${log.vkey}\n`);
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // node --import tsx: what `npm run witness` runs, without the tsx wrapper process (whose
  // signal relay can report 143 when the child is slow to answer under test load).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/witness/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let done = false;
  void exited.then(() => (done = true));
  for (let i = 0; i < 300; i++) {
    const m = output().match(pattern);
    if (m) return m;
    if (done) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern} in output:\n${output()}`);
}

async function startOnce(port: number, extra: Record<string, string> = {}) {
  const p = run({
    WITNESS_PORT: String(port),
    WITNESS_HOST: '127.0.0.1',
    WITNESS_DATA_DIR: dir,
    WITNESS_DATABASE_URL: db.url,
    WITNESS_NAME: 'witness.test/main',
    ...extra,
  });
  const [, vkey] = await waitFor(p.output, /vkey: (\S+)/, p.exited);
  await waitFor(p.output, /listening on/, p.exited);
  return { ...p, vkey };
}

it('starts from the environment, prints its vkey, cosigns, and keeps its key across restarts', async () => {
  const port = await freePort();
  const first = await startOnce(port);
  expect(first.output()).toContain(`listening on http://127.0.0.1:${port}`);
  const verifier = parseVkey(first.vkey);
  expect(verifier.name).toBe('witness.test/main');
  expect(verifier.type).toBe(0x04);
  const keyFile = join(dir, 'witness.key');
  expect(readFileSync(keyFile, 'utf8')).toMatch(/^PRIVATE\+KEY\+witness\.test\/main\+[0-9a-f]{8}\+/);
  expect(statSync(keyFile).mode & 0o077).toBe(0);

  const res = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body: requestBody(0, [], log.note()) });
  expect(res.status).toBe(200);
  expect(verifyNote(`${log.body()}\n${await res.text()}`, [verifier]).verified).toHaveLength(1);
  first.child.kill('SIGTERM');
  expect(await first.exited, first.output()).toBe(0);

  const second = await startOnce(port);
  expect(second.vkey).toBe(first.vkey);
  expect(second.output()).toContain('witness.key');
  // Its state survived: the checkpoint it cosigned is size 5.
  const again = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body: requestBody(0, [], log.note()) });
  expect(again.status).toBe(409);
  expect(await again.text()).toBe('5\n');
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});

it('takes its key from WITNESS_KEY_FILE and refuses a key named otherwise than WITNESS_NAME', async () => {
  const port = await freePort();
  const keyFile = join(dir, 'witness.key');
  const p = run({ WITNESS_PORT: String(port), WITNESS_DATA_DIR: join(dir, 'other'), WITNESS_LOGS_FILE: join(dir, 'logs'), WITNESS_DATABASE_URL: db.url, WITNESS_KEY_FILE: keyFile, WITNESS_NAME: 'someone.else/w' });
  expect(await p.exited).toBe(1);
  expect(p.output()).toMatch(/named "witness\.test\/main", but WITNESS_NAME is "someone\.else\/w"/);
  expect(existsSync(join(dir, 'other', 'witness.key'))).toBe(false);
});

it('refuses to start without its logs file, saying which', async () => {
  const port = await freePort();
  const p = run({ WITNESS_PORT: String(port), WITNESS_DATA_DIR: join(dir, 'nologs'), WITNESS_DATABASE_URL: db.url });
  expect(await p.exited).toBe(1);
  expect(p.output()).toMatch(/WITNESS_LOGS_FILE: cannot read .*nologs\/logs/);
});
