// The directory with two real witnesses and quorum 2, over real HTTP and PostgreSQL:
// lookups verify under the served policy with both cosignatures; with one witness down the
// served checkpoint stops advancing (lookups still verify against the last cosigned one);
// back up, it catches up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openCheckpoint, parseCheckpoint, parsePolicy, verifyLookup } from '@glasskey/verifier';
import { generateSigner } from '../../log/note-signer.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestWitness, type TestWitness } from '../witness/witness-fixture.ts';
import { tmpdir } from 'node:os';

let svc: TestService;
let w1: TestWitness;
let w2: TestWitness;
const origin = 'witnessed.test/log';

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bind(email: string) {
  const key = await makeKey([{ email }]);
  const up = await (await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', body: JSON.stringify({ keytext: key.armored }) })).json();
  const rv = await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', body: JSON.stringify({ token: up.token, addresses: [email] }) });
  expect(rv.status).toBe(200);
  const res = await fetch(await svc.linkFor(email), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()).index as number;
}

const servedSize = async () => parseCheckpoint((await (await fetch(`${svc.url}/log/checkpoint`)).text()).split('\n\n')[0] + '\n').size;

beforeAll(async () => {
  const logKey = generateSigner(origin);
  w1 = await startTestWitness([`log ${logKey.vkey}`], { name: 'w1.test/witness' });
  w2 = await startTestWitness([`log ${logKey.vkey}`], { name: 'w2.test/witness' });
  const dir = mkdtempSync(join(tmpdir(), 'glasskey-witnesses-'));
  const file = join(dir, 'witnesses');
  writeFileSync(
    file,
    [`witness w1 ${w1.running!.vkey} ${w1.url}`, `witness w2 ${w2.running!.vkey} ${w2.url}`, 'group both all w1 w2', 'quorum both', ''].join('\n'),
  );
  svc = await startTestService({
    GLASSKEY_ORIGIN: origin,
    GLASSKEY_LOG_KEY: logKey.privateKey,
    GLASSKEY_WITNESSES_FILE: file,
    GLASSKEY_WITNESS_REFRESH_SECONDS: '1',
  });
});
afterAll(async () => {
  await svc?.close();
  await w1?.close();
  await w2?.close();
});

test('the policy names both witnesses and the quorum', async () => {
  const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
  expect(policy.witnesses.map((w) => w.name).sort()).toEqual(['w1', 'w2']);
  expect(policy.quorum).toBe('both');
});

test('lookups verify with both cosignatures; one witness down stops the served checkpoint; back up, it catches up', async () => {
  const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
  const aliceIndex = await bind('alice@example.org');
  const alice = await until('alice served', async () => {
    const r = await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`);
    return r.status === 200 ? r.json() : undefined;
  });
  const v = verifyLookup(alice, policy, 'alice@example.org');
  expect(v.index).toBe(aliceIndex);
  expect(v.checkpoint.cosignatures.map((c) => c.witness).sort()).toEqual(['w1', 'w2']);

  await w2.stop();
  const bobIndex = await bind('bob@example.org');
  // the log grew, but without w2 the quorum is not met: the served checkpoint stays
  await new Promise((r) => setTimeout(r, 2500));
  expect(await servedSize()).toBeLessThanOrEqual(bobIndex);
  expect((await fetch(`${svc.url}/api/v1/lookup?email=bob@example.org`)).status).toBe(404);
  const again = await (await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).json();
  expect(verifyLookup(again, policy, 'alice@example.org').index).toBe(aliceIndex);
  // the raw log checkpoint, signed by the log alone, does not pass the policy
  const [latest] = await svc.sql`SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1`;
  expect(() => openCheckpoint(latest.note, policy)).toThrow(/quorum/);

  await w2.restart();
  const bob = await until('bob served after w2 is back', async () => {
    const r = await fetch(`${svc.url}/api/v1/lookup?email=bob@example.org`);
    return r.status === 200 ? r.json() : undefined;
  });
  expect(verifyLookup(bob, policy, 'bob@example.org').index).toBe(bobIndex);
  expect(await servedSize()).toBeGreaterThan(bobIndex);
});
