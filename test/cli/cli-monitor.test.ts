// `glasskey-verify monitor` as a child process against an in-process HTTP log: exit codes
// (0 all well, 2 alert, 1 error), human and JSON output, alerts POSTed to a webhook, no alert
// twice across runs, expectations by certificate file and fingerprint, split view through a
// gossip source, a monitor killed (SIGKILL) mid-scan that resumes without missing or
// repeating, and --interval with --serve answering gossip until SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, afterEach, expect, test } from 'vitest';
import { enarmor, formatFingerprint, parseTilePath, primaryKeyFingerprint } from '@glasskey/verifier';
import { FakeLog, makeKeys, startFakeServer, type FakeServer, type FakeServerOptions } from '../verifier/monitor-fake-server.ts';
import { jsonLines, runCli } from './cli-harness.ts';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function stateDir() {
  const d = await mkdtemp(join(tmpdir(), 'glasskey-cli-'));
  dirs.push(d);
  return d;
}
async function serve(log: FakeLog | (() => FakeLog), options: FakeServerOptions = {}): Promise<FakeServer> {
  const s = await startFakeServer(log, options);
  closers.push(() => s.close());
  return s;
}

const ALICE = 'alice@example.org';

async function certificate(email = ALICE): Promise<Uint8Array> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email }], format: 'binary' });
  return publicKey;
}

async function webhookSink(): Promise<{ url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

test('expected keys: exit 0; a rogue key: exit 2 (hashing on worker threads), JSON alert with its index, webhook POST; never twice', async () => {
  const log = new FakeLog(makeKeys('cli.monitor.example', 1));
  const cert = await certificate();
  log.appendRandom(3000);
  log.bind(ALICE, cert);
  log.publish();
  const server = await serve(log);
  const state = await stateDir();
  const certFile = join(state, 'alice.asc');
  await writeFile(certFile, enarmor('PUBLIC KEY BLOCK', cert));
  const hook = await webhookSink();
  const args = ['monitor', '--server', server.url, '--address', ALICE, '--expect', certFile, '--state', state, '--webhook', hook.url, '--once'];

  const ok = await runCli(args);
  expect(ok.code).toBe(0);
  expect(ok.stderr).toContain('TRUST ON FIRST USE');
  expect(ok.stdout).toContain(`seen: ${ALICE} bind at index 3000 (version 1), expected`);
  expect(ok.stdout).toContain('verified cli.monitor.example up to size 3001 (3001 new entries)');
  expect(ok.stdout).toMatch(/^ok: cli\.monitor\.example verified up to size 3001, 3001 entries scanned/m);
  expect(ok.stderr).not.toContain('\r'); // no progress bar when stderr is not a terminal

  log.appendRandom(100);
  const rogue = log.bind(ALICE, await certificate(), { hidden: true });
  log.publish();
  const alerted = await runCli([...args, '--json'], { env: { GLASSKEY_VERIFY_THREADS: '2' } });
  expect(alerted.code).toBe(2);
  const lines = jsonLines(alerted.stdout);
  const alerts = lines.filter((l) => l.type === 'alert');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ kind: 'unexpected-key', index: rogue, address: ALICE, id: `unexpected-key:${rogue}` });
  expect(lines.at(-1)).toMatchObject({ type: 'summary', verifiedSize: log.size, scanned: 101, alerts: 1 });
  expect(hook.bodies).toEqual([expect.objectContaining({ type: 'alert', kind: 'unexpected-key', index: rogue })]);

  const again = await runCli(args);
  expect(again.code).toBe(0);
  expect(again.stdout).not.toContain('ALERT');
  expect(hook.bodies).toHaveLength(1);
});

test('fingerprint expectations, an unexpected unbind, and usage errors', async () => {
  const log = new FakeLog(makeKeys('cli.monitor.example', 1));
  const cert = await certificate();
  log.appendRandom(500);
  log.bind(ALICE, cert);
  log.bind('bob@example.org', new Uint8Array([0x99, 2]));
  const unbind = log.unbind('bob@example.org');
  log.publish();
  const server = await serve(log);
  const state = await stateDir();
  const fpr = formatFingerprint(primaryKeyFingerprint(cert).fingerprint);
  const r = await runCli([
    'monitor', '--server', server.url, '--state', state, '--once',
    '--address', ALICE, '--expect', fpr.match(/.{4}/g)!.join(' '),
    '--address', 'bob@example.org', '--expect', 'sha256:' + '00'.repeat(32), '--expect', `sha256:${Buffer.from((await import('@noble/hashes/sha2.js')).sha256(new Uint8Array([0x99, 2]))).toString('hex')}`,
  ]);
  expect(r.code).toBe(2);
  expect(r.stdout).toContain(`key ${fpr}`);
  expect(r.stdout).toContain(`ALERT unexpected-unbind: unexpected unbind of bob@example.org at index ${unbind}`);
  expect(r.stdout).toMatch(/^1 alert\(s\): /m);

  const usage = await runCli(['monitor', '--server', server.url, '--expect', fpr, '--address', ALICE]);
  expect(usage.code).toBe(1);
  expect(usage.stderr).toContain('--expect must follow the --address it is for');
  const noExpect = await runCli(['monitor', '--server', server.url, '--address', ALICE]);
  expect(noExpect.code).toBe(1);
  expect(noExpect.stderr).toContain('needs at least one --expect');
  const down = await runCli(['monitor', '--server', 'http://127.0.0.1:1', '--address', ALICE, '--expect', fpr, '--state', state, '--once']);
  expect(down.code).toBe(1);
  expect(down.stderr).toContain('monitor error');
});

test('a gossip source with a fork: exit 2 with a split-view alert and saved evidence', async () => {
  const log = new FakeLog(makeKeys('cli.monitor.example', 1));
  log.appendRandom(900);
  log.publish();
  const fork = log.fork(700);
  fork.appendRandom(150);
  fork.publish();
  const server = await serve(log);
  const witness = await serve(fork);
  const state = await stateDir();
  const r = await runCli(['monitor', '--server', server.url, '--address', ALICE, '--expect-unbind', '--state', state, '--gossip', witness.url, '--once', '--json']);
  expect(r.code).toBe(2);
  const alert = jsonLines(r.stdout).find((l) => l.type === 'alert')!;
  expect(alert).toMatchObject({ kind: 'split-view', source: witness.url });
  const saved = JSON.parse(await readFile(alert.evidencePath as string, 'utf8'));
  expect(saved).toEqual(alert.evidence);
});

test('killed mid-scan (SIGKILL), the monitor resumes where it saved, without missing or repeating alerts', async () => {
  const log = new FakeLog(makeKeys('cli.monitor.example', 1));
  const cert = new Uint8Array([0x99, 1]);
  log.bind(ALICE, cert);
  const early = log.bind(ALICE, new Uint8Array([0x99, 66]));
  log.appendRandom(140_000);
  const late = log.bind(ALICE, new Uint8Array([0x99, 67]));
  log.appendRandom(10);
  log.publish();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let holding = true;
  const server = await serve(log, {
    // the server stops answering for tiles past entry 76,800 until released: the monitor has
    // saved its progress at 65,536 and waits there when it is killed
    hold: (path) => {
      if (!holding || !path.startsWith('/log/tile/')) return undefined;
      const t = parseTilePath(path.slice('/log/'.length));
      return (t.level === 'entries' || t.level === 0) && t.index >= 300n ? gate : undefined;
    },
  });
  closers.push(async () => release());
  const state = await stateDir();
  const certFile = join(state, 'cert.bin');
  await writeFile(certFile, cert);
  const args = ['monitor', '--server', server.url, '--address', ALICE, '--expect', certFile, '--state', state, '--once', '--json'];
  const killed = await runCli(args, {
    onLine: (line, child) => {
      const l = JSON.parse(line);
      if (l.type === 'progress' && l.saved) child.kill('SIGKILL');
    },
  });
  expect(killed.signal).toBe('SIGKILL');
  expect(jsonLines(killed.stdout).filter((l) => l.type === 'alert')).toEqual([]);
  const saved = JSON.parse(JSON.parse(await readFile(join(state, 'monitor.json'), 'utf8'))['monitor:cli.monitor.example']);
  expect(saved.scan.position).toBe(65536);
  expect(saved.verified).toBeNull();

  holding = false;
  release();
  const resumed = await runCli(args);
  expect(resumed.code).toBe(2);
  const lines = jsonLines(resumed.stdout);
  expect(lines.filter((l) => l.type === 'alert').map((l) => l.index)).toEqual([early, late]);
  expect(lines.at(-1)).toMatchObject({ type: 'summary', verifiedSize: log.size, scanned: log.size - 65536 });
  const after = await runCli(args);
  expect(after.code).toBe(0);
  expect(jsonLines(after.stdout).filter((l) => l.type === 'alert')).toEqual([]);
});

test('--interval with --serve: serves the verified checkpoint for gossip until SIGTERM (exit 0)', async () => {
  const log = new FakeLog(makeKeys('cli.monitor.example', 1));
  log.appendRandom(1000);
  log.publish();
  const server = await serve(log);
  const state = await stateDir();
  let url: string | undefined;
  const run = runCli(['monitor', '--server', server.url, '--address', ALICE, '--expect-unbind', '--state', state, '--interval', '0.2', '--serve', '127.0.0.1:0'], {
    onStderr: (text) => {
      const m = /serving the latest verified checkpoint at (\S+)\/checkpoint/.exec(text);
      if (m) url = m[1];
    },
  });
  let body = '';
  for (let i = 0; i < 100 && body !== log.served!.note; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!url) continue;
    const res = await fetch(`${url}/checkpoint`);
    body = await res.text();
  }
  expect(body).toBe(log.served!.note);
  log.appendRandom(10);
  log.publish();
  for (let i = 0; i < 100 && body !== log.served!.note; i++) {
    await new Promise((r) => setTimeout(r, 100));
    body = await (await fetch(`${url}/checkpoint`)).text();
  }
  expect(body).toBe(log.served!.note);
  run.child.kill('SIGTERM');
  const r = await run;
  expect(r.code).toBe(0);
  expect(r.stdout.match(/^ok: /gm)!.length).toBeGreaterThanOrEqual(2);
});
