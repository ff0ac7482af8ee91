// `glasskey-verify lookup` as a child process against an in-process HTTP log: prints exactly
// the certificate the log commits to, pins the server's policy on first use (and says so),
// keeps the head in the state directory across runs, and exits non-zero with a clear message
// when anything fails: unbound address, a tampered certificate, a policy that does not match,
// a server that changed its keys after pinning (reported with both policies), a fork (exit 2, with evidence that
// `verify-evidence` accepts).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { base64Encode, enarmor } from '@glasskey/verifier';
import { FakeLog, makeKeys, startFakeServer, type FakeServer, type FakeServerOptions } from '../verifier/monitor-fake-server.ts';
import { runCli } from './cli-harness.ts';

const dirs: string[] = [];
const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function stateDir() {
  const d = await mkdtemp(join(tmpdir(), 'glasskey-cli-'));
  dirs.push(d);
  return d;
}
async function serve(log: FakeLog | (() => FakeLog), options: FakeServerOptions = {}) {
  const s = await startFakeServer(log, options);
  servers.push(s);
  return s;
}

const ALICE = 'alice@example.org';
const aliceCert = new Uint8Array([0x99, 0, 3, 1, 2, 3]);

function aliceLog() {
  const log = new FakeLog(makeKeys('cli.test.example', 1));
  log.appendRandom(9);
  log.bind(ALICE, aliceCert);
  log.publish();
  return log;
}

test('lookup prints the certificate, pins the policy on first use, and keeps the head', async () => {
  const log = aliceLog();
  const server = await serve(log);
  const state = await stateDir();
  const first = await runCli(['lookup', 'Alice@Example.org', '--server', server.url, '--state', state]);
  expect(first.stderr).toContain('TRUST ON FIRST USE');
  // what was pinned is printed: the log vkey and the VRF key, not just the origin
  expect(first.stderr).toContain(`log ${log.keys.signer.vkey}`);
  expect(first.stderr).toContain(`vrf ${base64Encode(log.keys.vrf.publicKey)}`);
  expect(first.code).toBe(0);
  expect(first.stdout).toBe(enarmor('PUBLIC KEY BLOCK', aliceCert));
  expect(first.stderr).toMatch(/verified alice@example\.org: certificate sha256:[0-9a-f]{64}, entry 9 \(version 1\) in cli\.test\.example at size 10, cosigned by w1; first checkpoint seen/);
  const pinned = await readdir(join(state, 'policies'));
  expect(pinned).toHaveLength(1);
  expect(await readFile(join(state, 'policies', pinned[0]), 'utf8')).toContain(log.policyText);
  expect(JSON.parse(await readFile(join(state, 'heads.json'), 'utf8'))).toHaveProperty(['head:cli.test.example']);

  log.appendRandom(20);
  log.publish();
  const second = await runCli(['lookup', ALICE, '--server', server.url, '--state', state]);
  expect(second.code).toBe(0);
  expect(second.stderr).not.toContain('TRUST ON FIRST USE');
  expect(second.stderr).toContain('at size 30');
  expect(second.stderr).toContain('consistent with the size 10 seen before');
});

test('failures: unbound address, tampered certificate, wrong policy, keys changed after pinning', async () => {
  const log = aliceLog();
  let current = log;
  let tamper = false;
  const server = await serve(() => current, {
    tamper: (path, body) => {
      if (!tamper || path !== '/api/v1/lookup') return undefined;
      const r = JSON.parse(new TextDecoder().decode(body));
      r.certificate = enarmor('PUBLIC KEY BLOCK', new Uint8Array([0x99, 0, 3, 9, 9, 9]));
      return new TextEncoder().encode(JSON.stringify(r));
    },
  });
  const state = await stateDir();
  const unbound = await runCli(['lookup', 'bob@example.org', '--server', server.url, '--state', state]);
  expect(unbound.code).toBe(1);
  expect(unbound.stderr).toContain('has no certificate bound to bob@example.org');

  tamper = true;
  const tampered = await runCli(['lookup', ALICE, '--server', server.url, '--state', state]);
  expect(tampered.code).toBe(1);
  expect(tampered.stdout).toBe('');
  expect(tampered.stderr).toContain('lookup of alice@example.org failed [certificate-hash]');
  tamper = false;

  const other = new FakeLog(makeKeys('cli.test.example', 1));
  const policyFile = join(state, 'other.policy');
  await writeFile(policyFile, other.policyText);
  const wrong = await runCli(['lookup', ALICE, '--server', server.url, '--state', state, '--policy', policyFile]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/failed \[(no-verifiable-signatures|vrf)\]/);

  // the policy pinned by the first run is used, not what the server says now: a server that
  // changed its keys (here: another log at the same URL) is refused
  expect((await runCli(['lookup', ALICE, '--server', server.url, '--state', state])).code).toBe(0);
  const pinnedFile = join(state, 'policies', (await readdir(join(state, 'policies')))[0]);
  const pinnedBefore = await readFile(pinnedFile, 'utf8');
  current = aliceLog();
  const switched = await runCli(['lookup', ALICE, '--server', server.url, '--state', state]);
  expect(switched.code).toBe(1);
  expect(switched.stderr).not.toContain('TRUST ON FIRST USE');
  expect(switched.stderr).toMatch(/failed \[(no-verifiable-signatures|vrf)\]/);
  // the new keys are reported next to the pinned ones, and not adopted
  expect(switched.stderr).toContain(`POLICY CHANGED: ${server.url} now serves a policy that differs from the one pinned in ${pinnedFile}. Changed: the log key, the VRF key, the witnesses.`);
  expect(switched.stderr).toContain(`- log ${log.keys.signer.vkey}`);
  expect(switched.stderr).toContain(`+ log ${current.keys.signer.vkey}`);
  expect(switched.stderr).toContain(`- vrf ${base64Encode(log.keys.vrf.publicKey)}`);
  expect(switched.stderr).toContain(`+ vrf ${base64Encode(current.keys.vrf.publicKey)}`);
  expect(await readFile(pinnedFile, 'utf8')).toBe(pinnedBefore);
});

test('a server that switches to a fork: exit 2, evidence saved, verify-evidence accepts it', async () => {
  const log = aliceLog();
  log.appendRandom(20);
  log.publish();
  const fork = log.fork(25);
  fork.appendRandom(10);
  fork.publish();
  let current = log;
  const server = await serve(() => current);
  const state = await stateDir();
  expect((await runCli(['lookup', ALICE, '--server', server.url, '--state', state])).code).toBe(0);
  current = fork;
  const r = await runCli(['lookup', ALICE, '--server', server.url, '--state', state]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const m = /SPLIT VIEW: .*Evidence saved in (\S+\.json)/.exec(r.stderr);
  expect(m).not.toBeNull();
  const policyFile = join(state, 'policy.txt');
  await writeFile(policyFile, log.policyText);
  const check = await runCli(['verify-evidence', m![1], '--policy', policyFile]);
  expect(check.code).toBe(0);
  expect(check.stdout).toMatch(/split view proven: cli\.test\.example signed size 30 .* its checkpoint of size 35/);
  const evidence = JSON.parse(await readFile(m![1], 'utf8'));
  evidence.proof[0] = evidence.proof[1];
  await writeFile(m![1], JSON.stringify(evidence));
  const forged = await runCli(['verify-evidence', m![1], '--policy', policyFile]);
  expect(forged.code).toBe(1);
  expect(forged.stderr).toContain('not valid evidence [not-a-split-view]');
});
