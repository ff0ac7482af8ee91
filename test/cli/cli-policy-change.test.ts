// Trust on first use against a real directory whose policy changes: the first lookup pins
// the served policy and prints its log vkey and VRF key; after a restart with a witness
// added (same keys, same URL), lookup and a running monitor (--interval) report the change
// with both versions, keep verifying under the pinned policy and never adopt the new one;
// --repin adopts it (the old copy kept), after which nothing more is reported.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { base64Encode } from '@glasskey/verifier';
import { freePort } from '../../server/db/free-port.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startTestWitness, type TestWitness } from '../witness/witness-fixture.ts';
import { jsonLines, runCli } from './cli-harness.ts';
import { bindAddress } from './real-directory.ts';
import type { TestKey } from '../helpers/keys.ts';

const ALICE = 'alice@example.org';
let db: TestDatabase;
let work: string;
let env: Record<string, string>;
let svc: TestService | undefined;
let witness: TestWitness | undefined;
let alice: TestKey;
let state: string;

beforeAll(async () => {
  db = await freshDatabase({ migrate: false });
  work = await mkdtemp(join(tmpdir(), 'glasskey-policy-change-'));
  state = join(work, 'state');
  // the same database, data directory (keys) and port, hence the same URL, across restarts
  env = { PORT: String(await freePort()), DATABASE_URL: db.url, GLASSKEY_DATA_DIR: join(work, 'data'), GLASSKEY_ORIGIN: 'policy-change.test/log' };
  svc = await startTestService(env);
  alice = await bindAddress(svc, ALICE);
});
afterAll(async () => {
  await svc?.close();
  await witness?.close();
  await db?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pinnedFile = async () => {
  const files = (await readdir(join(state, 'policies'))).filter((f) => f.endsWith('.policy'));
  expect(files).toHaveLength(1);
  return join(state, 'policies', files[0]);
};

test('first use prints the pinned log vkey and VRF key; the same policy later is not reported', async () => {
  const s = svc!;
  const first = await runCli(['lookup', ALICE, '--server', s.url, '--state', state]);
  expect(first.code).toBe(0);
  expect(first.stderr).toContain(`TRUST ON FIRST USE: no --policy given and none pinned for ${s.url}, so the policy it serves was accepted as is and pinned in ${await pinnedFile()}:`);
  expect(first.stderr).toContain(`log ${s.keys.signer.vkey} ${s.config.publicUrl}`);
  expect(first.stderr).toContain(`vrf ${base64Encode(s.keys.vrfPublicKey)}`);
  expect(first.stderr).toContain('quorum none');

  const again = await runCli(['monitor', '--server', s.url, '--address', ALICE, '--expect', alice.fingerprint, '--state', state, '--once']);
  expect(again.code).toBe(0);
  expect(again.stderr).not.toContain('TRUST ON FIRST USE');
  expect(again.stderr).not.toContain('POLICY CHANGED');
});

test('a witness added on the server: reported with both versions by lookup and a running monitor, not adopted; --repin adopts it', async () => {
  const url = svc!.url;
  const logVkey = svc!.keys.signer.vkey;
  const pinned = await pinnedFile();
  const pinnedText = await readFile(pinned, 'utf8');

  // a monitor that keeps running across the restart
  const lines: Record<string, unknown>[] = [];
  const monitor = runCli(['monitor', '--server', url, '--address', ALICE, '--expect', alice.fingerprint, '--state', join(work, 'monitor-state'), '--interval', '1', '--json'], {
    onLine: (line) => lines.push(JSON.parse(line)),
  });
  await until('the monitor pinned and verified', () => (lines.some((l) => l.type === 'summary') ? true : undefined));

  await svc!.close();
  svc = undefined;
  witness = await startTestWitness([`log ${logVkey}`], { name: 'w1.policy-change.test/witness' });
  const witnessesFile = join(work, 'witnesses');
  await writeFile(witnessesFile, `witness w1 ${witness.vkey} ${witness.url}\nquorum w1\n`);
  svc = await startTestService({ ...env, GLASSKEY_WITNESSES_FILE: witnessesFile, GLASSKEY_WITNESS_REFRESH_SECONDS: '1' });
  expect(svc.url).toBe(url);
  await until('a cosigned checkpoint served', async () => ((await fetch(`${url}/api/v1/lookup?email=${ALICE}`)).status === 200 ? true : undefined));
  const witnessLine = `witness w1 ${witness.vkey} ${witness.url}`;

  // the monitor reports it once, as JSON with both versions, and keeps verifying
  const change = await until('the monitor reported the change', () => lines.find((l) => l.type === 'policy-changed'));
  expect(change).toMatchObject({ server: url, changed: ['the witnesses', 'the quorum'] });
  expect(change.pinned).toContain('quorum none');
  expect(change.pinned).not.toContain('witness');
  expect(change.served).toContain(witnessLine);
  expect(change.served).toContain('quorum w1');
  const after = lines.length;
  await until('two more passes', () => (lines.slice(after).filter((l) => l.type === 'summary').length >= 2 ? true : undefined));
  monitor.child.kill('SIGTERM');
  const m = await monitor;
  expect(lines.filter((l) => l.type === 'policy-changed')).toHaveLength(1);
  expect(m.stderr.match(/POLICY CHANGED/g)).toHaveLength(1);
  expect(lines.filter((l) => l.type === 'summary').at(-1)).toMatchObject({ alerts: 0, blocked: null });

  // lookup: both versions, the differing lines marked; verified under the pinned policy
  const changed = await runCli(['lookup', ALICE, '--server', url, '--state', state]);
  expect(changed.code).toBe(0);
  expect(changed.stderr).toContain(`POLICY CHANGED: ${url} now serves a policy that differs from the one pinned in ${pinned}. Changed: the witnesses, the quorum.`);
  expect(changed.stderr).toContain(`    - quorum none`);
  expect(changed.stderr).toContain(`    + ${witnessLine}`);
  expect(changed.stderr).toContain(`    + quorum w1`);
  expect(changed.stderr).toContain(`      log ${logVkey}`);
  expect(changed.stderr).toContain('no cosignatures required');
  expect(changed.stderr).toContain('adopt the new policy with --repin');
  expect(await readFile(pinned, 'utf8')).toBe(pinnedText);
  // and again: still not adopted
  expect((await runCli(['lookup', ALICE, '--server', url, '--state', state])).stderr).toContain('POLICY CHANGED');

  // --repin with --policy makes no sense
  const both = await runCli(['lookup', ALICE, '--server', url, '--state', state, '--repin', '--policy', pinned]);
  expect(both.code).toBe(1);
  expect(both.stderr).toContain('--repin adopts the server');

  const repinned = await runCli(['lookup', ALICE, '--server', url, '--state', state, '--repin']);
  expect(repinned.code).toBe(0);
  expect(repinned.stderr).toContain(`REPINNED: the policy ${url} serves now replaces the one pinned in ${pinned}`);
  expect(repinned.stderr).toContain(`    + ${witnessLine}`);
  expect(repinned.stderr).toContain('cosigned by w1');
  expect(await readFile(pinned, 'utf8')).toContain(witnessLine);
  const kept = (await readdir(join(state, 'policies'))).filter((f) => f.includes('.replaced-'));
  expect(kept).toHaveLength(1);
  expect(await readFile(join(state, 'policies', kept[0]), 'utf8')).toBe(pinnedText);

  const quiet = await runCli(['lookup', ALICE, '--server', url, '--state', state]);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).not.toMatch(/POLICY CHANGED|REPINNED|TRUST ON FIRST USE/);
  expect(quiet.stderr).toContain('cosigned by w1');
  const again = await runCli(['lookup', ALICE, '--server', url, '--state', state, '--repin']);
  expect(again.stderr).toContain('serves the policy already pinned');

  // the monitor's own state: --repin there too
  const monitorRepin = await runCli(['monitor', '--server', url, '--address', ALICE, '--expect', alice.fingerprint, '--state', join(work, 'monitor-state'), '--once', '--repin']);
  expect(monitorRepin.code).toBe(0);
  expect(monitorRepin.stderr).toContain('REPINNED');
  const monitorQuiet = await runCli(['monitor', '--server', url, '--address', ALICE, '--expect', alice.fingerprint, '--state', join(work, 'monitor-state'), '--once', '--json']);
  expect(monitorQuiet.code).toBe(0);
  expect(jsonLines(monitorQuiet.stdout).filter((l) => l.type === 'policy-changed')).toEqual([]);
  expect(monitorQuiet.stderr).toBe('');
});
