// Retention end to end: the running service's pg-boss purge job (here every second) deletes
// uploads whose addresses were never verified, or were all removed, once they are older than
// GLASSKEY_UNVERIFIED_RETENTION_DAYS (the test moves their upload time back); it leaves bound
// certificates, the log and the history alone; a new upload starts the clock again.
import { parsePolicy, verifyLookup } from '@glasskey/verifier';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { until } from '../mail/smtp-sink.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let svc: TestService;
let never: TestKey; // uploaded, never verified
let bound: TestKey; // one address verified, one not
let removed: TestKey; // verified, then removed
let again: TestKey; // uploaded long ago, uploaded again now
let neverToken: string;

async function vksUpload(k: TestKey): Promise<{ token: string }> {
  const res = await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: k.armored }) });
  expect(res.status).toBe(200);
  return res.json();
}

async function verify(k: TestKey, address: string, seen = 0) {
  const { token } = await vksUpload(k);
  const rv = await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, addresses: [address] }) });
  expect(rv.status).toBe(200);
  const res = await fetch(await svc.linkFor(address, seen), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
}

async function stored(k: TestKey): Promise<boolean> {
  return (await svc.sql`SELECT 1 FROM certificates WHERE fingerprint = ${k.fingerprint}`).length > 0;
}

async function ageUpload(k: TestKey, days: number): Promise<void> {
  await svc.sql`UPDATE certificate_uploads SET uploaded_at = uploaded_at - make_interval(days => ${days}) WHERE fingerprint = ${k.fingerprint}`;
}

beforeAll(async () => {
  svc = await startTestService({ GLASSKEY_UNVERIFIED_RETENTION_DAYS: '14' }, { purgeIntervalSeconds: 1, rates: ratePolicies({ verifyMailPerAddress: { limit: 10 } }) });
  never = await makeKey([{ email: 'never@example.org' }]);
  bound = await makeKey([{ email: 'bound@example.org' }, { email: 'unverified@example.org' }]);
  removed = await makeKey([{ email: 'removed@example.org' }]);
  again = await makeKey([{ email: 'again@example.org' }]);
  neverToken = (await vksUpload(never)).token;
  await verify(bound, 'bound@example.org');
  await verify(removed, 'removed@example.org');
  const seen = svc.mailsTo('removed@example.org').length;
  expect((await fetch(`${svc.url}/api/v1/manage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'removed@example.org' }) })).status).toBe(202);
  const unbind = await fetch(await svc.linkFor('removed@example.org', seen), { method: 'POST', headers: { accept: 'application/json' } });
  expect((await unbind.json()).action).toBe('unbind');
  await vksUpload(again);
});
afterAll(async () => svc?.close());

test('within the retention nothing is deleted, though the job runs', async () => {
  const runs = () => svc.sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'purge' AND state = 'completed'`;
  const before = (await runs())[0].n;
  await until(async () => (await runs())[0].n >= before + 2, 15_000, 'two purge runs');
  for (const k of [never, bound, removed, again]) expect(await stored(k)).toBe(true);
  expect((await fetch(`${svc.url}/vks/v1/by-fingerprint/${never.fingerprint}`)).status).toBe(200); // served without user IDs
});

test('after it: the job deletes the never-verified and the removed uploads, and nothing bound, logged or re-uploaded', async () => {
  const checkpoint = await (await fetch(`${svc.url}/log/checkpoint`)).text();
  const entries = (await svc.sql`SELECT count(*)::int AS n FROM address_entries`)[0].n;
  for (const k of [never, bound, removed, again]) await ageUpload(k, 15);
  await vksUpload(again); // a new upload starts the clock again
  await until(async () => !(await stored(never)) && !(await stored(removed)), 20_000, 'the purge job');

  expect(await stored(bound)).toBe(true);
  expect(await stored(again)).toBe(true);
  expect((await fetch(`${svc.url}/vks/v1/by-fingerprint/${never.fingerprint}`)).status).toBe(404);
  const rv = await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: neverToken, addresses: ['never@example.org'] }) });
  expect(rv.status).toBe(404);

  // The log did not move, the bound address still verifies, the removed one's history is whole.
  expect(await (await fetch(`${svc.url}/log/checkpoint`)).text()).toBe(checkpoint);
  expect((await svc.sql`SELECT count(*)::int AS n FROM address_entries`)[0].n).toBe(entries);
  const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
  const lookup = await (await fetch(`${svc.url}/api/v1/lookup?email=bound%40example.org`)).json();
  expect(verifyLookup(lookup, policy, 'bound@example.org').index).toBeGreaterThanOrEqual(0);
  const history = await (await fetch(`${svc.url}/api/v1/history?email=removed%40example.org`)).json();
  expect(history.entries.map((e: { action: string }) => e.action)).toEqual(['bind', 'unbind']);

  // What the job did is on record in pg-boss.
  const done = await svc.sql`SELECT output FROM pgboss.job WHERE name = 'purge' AND state = 'completed' AND (output->>'certificates')::int > 0`;
  expect(done.reduce((n, r) => n + Number(r.output.certificates), 0)).toBe(2);
});

test('a deleted upload can be uploaded and verified again from scratch', async () => {
  const seen = svc.mailsTo('never@example.org').length;
  await verify(never, 'never@example.org', seen);
  expect((await fetch(`${svc.url}/vks/v1/by-email/never%40example.org`)).status).toBe(200);
});
