// The directory end to end over real HTTP, PostgreSQL and SMTP: upload (VKS), request
// verification, follow the mailed link (GET shows, POST confirms), look up with a proof that
// @glasskey/verifier accepts under the server's own policy; supersede with a second key;
// update expiry without mail; remove; the plain VKS/HKP/WKD lookups agree with the log.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as openpgp from 'openpgp';
import { base64Decode, decodeEntry, dearmor, parsePolicy, parseTlogProof, verifyLookup } from '@glasskey/verifier';
import { startTestService, type TestService } from '../helpers/service.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { wkdHash } from '../../server/openpgp/wkd-hash.ts';
import { ratePolicies } from '../../server/ratelimit/index.ts';

let svc: TestService;
let alice: TestKey;
let alice2: TestKey;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function confirm(link: string) {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Confirm');
  const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as { index: number; version: number; address: string; fingerprint: string };
}

beforeAll(async () => {
  // Three mails per address per 10 minutes here (the default is one), so one address can go
  // through bind, supersede and removal; the limit itself is tested at its own address.
  svc = await startTestService({}, { rates: ratePolicies({ verifyMailPerAddress: { limit: 3 } }) });
  alice = await makeKey([{ name: 'Alice', email: 'alice@example.org' }, { name: 'Alice Work', email: 'alice@work.example' }]);
  alice2 = await makeKey([{ name: 'Alice (new)', email: 'Alice@Example.org' }]);
});
afterAll(async () => svc?.close());

describe('upload, verify, look up', () => {
  let token: string;
  test('VKS upload cleans and reports each address unpublished', async () => {
    const res = await post('/vks/v1/upload', { keytext: alice.armored });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.key_fpr).toBe(alice.fingerprint);
    expect(body.status).toEqual({ 'alice@example.org': 'unpublished', 'alice@work.example': 'unpublished' });
    token = body.token;
  });

  test('nothing is served before verification', async () => {
    expect((await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).status).toBe(404);
    expect((await fetch(`${svc.url}/vks/v1/by-email/alice@example.org`)).status).toBe(404);
  });

  test('request-verify mails a link; GET does not bind, POST does, with the index', async () => {
    const res = await post('/vks/v1/request-verify', { token, addresses: ['alice@example.org'] });
    expect(res.status).toBe(200);
    expect((await res.json()).status['alice@example.org']).toBe('pending');
    const link = await svc.linkFor('alice@example.org');
    const mail = svc.mailsTo('alice@example.org')[0];
    expect(mail.parsed.text).toContain(alice.fingerprint.slice(-16).replace(/(.{4})/g, '$1').slice(0, 4));
    await fetch(link); // a link scanner
    expect((await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).status).toBe(404);
    const done = await confirm(link);
    expect(done).toMatchObject({ action: 'bind', address: 'alice@example.org', fingerprint: alice.fingerprint, version: 1 });
    expect(done.index).toBe(0);
    const again = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(again.status).toBe(410);
    expect((await again.json()).code).toBe('used-token');
  });

  test('the lookup proof verifies under the server policy, and serves only that address', async () => {
    const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
    const res = await fetch(`${svc.url}/api/v1/lookup?email=ALICE@example.org`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const verified = verifyLookup(body, policy, 'alice@example.org');
    expect(verified.index).toBe(0);
    expect(verified.entry.version).toBe(1);
    const key = await openpgp.readKey({ binaryKey: verified.certificate });
    expect(key.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    expect(key.users.map((u) => u.userID?.email)).toEqual(['alice@example.org']);
    // flipping a byte of the entry fails verification
    const entry = base64Decode(body.entry);
    entry[80] ^= 1;
    expect(() => verifyLookup({ ...body, entry: Buffer.from(entry).toString('base64') }, policy, 'alice@example.org')).toThrow();
  });

  test('VKS, HKP and WKD serve exactly the logged bytes', async () => {
    const body = await (await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).json();
    const logged = decodeEntry(base64Decode(body.entry)).certificateHash;
    const vks = await fetch(`${svc.url}/vks/v1/by-email/alice%40example.org`);
    expect(vks.headers.get('content-type')).toContain('application/pgp-keys');
    const vksBytes = dearmor(await vks.text()).data;
    expect(createHash('sha256').update(vksBytes).digest()).toEqual(Buffer.from(logged));
    const hkp = await fetch(`${svc.url}/pks/lookup?op=get&options=mr&search=alice@example.org`);
    expect(dearmor(await hkp.text()).data).toEqual(vksBytes);
    const wkd = await fetch(`${svc.url}/.well-known/openpgpkey/example.org/hu/${wkdHash('alice')}?l=alice`);
    expect(wkd.status).toBe(200);
    expect(new Uint8Array(await wkd.arrayBuffer())).toEqual(vksBytes);
    const byFpr = await fetch(`${svc.url}/vks/v1/by-fingerprint/${alice.fingerprint}`);
    const k = await openpgp.readKey({ armoredKey: await byFpr.text() });
    expect(k.users.map((u) => u.userID?.email)).toEqual(['alice@example.org']); // the unverified address stays hidden
  });

  test('a second key for the same address supersedes the first (version 2); the old one stays fetchable by fingerprint', async () => {
    const up = await (await post('/vks/v1/upload', { keytext: alice2.armored })).json();
    expect((await post('/vks/v1/request-verify', { token: up.token, addresses: ['alice@example.org'] })).status).toBe(200);
    const link = await svc.linkFor('alice@example.org', 1);
    const done = await confirm(link);
    expect(done.version).toBe(2);
    const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
    const body = await (await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).json();
    const v = verifyLookup(body, policy, 'alice@example.org');
    expect(v.entry.version).toBe(2);
    expect(parseTlogProof(body.proof).index).toBe(done.index);
    expect((await fetch(`${svc.url}/vks/v1/by-fingerprint/${alice.fingerprint}`)).status).toBe(200);
  });

  test('history lists every entry with its index', async () => {
    const h = await (await fetch(`${svc.url}/api/v1/history?email=alice@example.org`)).json();
    expect(h.entries.map((e: { version: number; action: string }) => [e.version, e.action])).toEqual([
      [1, 'bind'],
      [2, 'bind'],
    ]);
    expect(h.entries.every((e: { index: number | null }) => typeof e.index === 'number')).toBe(true);
  });
});

describe('updates and removal', () => {
  test('a new expiry on a bound certificate appends a new bind entry with no mail', async () => {
    const before = svc.smtp.received.length;
    const { privateKey } = await openpgp.reformatKey({
      privateKey: alice2.privateKey,
      userIDs: [{ name: 'Alice (new)', email: 'alice@example.org' }],
      keyExpirationTime: 3 * 365 * 86400,
      format: 'object',
    });
    const res = await post('/vks/v1/upload', { keytext: privateKey.toPublic().armor() });
    expect(res.status).toBe(200);
    expect((await res.json()).status['alice@example.org']).toBe('published');
    let h: { entries: { version: number; index: number | null }[] } = { entries: [] };
    for (let i = 0; i < 50; i++) {
      h = await (await fetch(`${svc.url}/api/v1/history?email=alice@example.org`)).json();
      if (h.entries.length === 3 && h.entries[2].index !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(h.entries.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(svc.smtp.received.length).toBe(before);
  });

  test('removal by mailed link appends an unbind and stops serving the address', async () => {
    const res = await post('/api/v1/manage', { email: 'alice@example.org' });
    expect(res.status).toBe(202);
    const link = await svc.linkFor('alice@example.org', 2);
    const done = await confirm(link);
    expect(done).toMatchObject({ action: 'unbind', version: 4, fingerprint: alice2.fingerprint });
    expect((await fetch(`${svc.url}/api/v1/lookup?email=alice@example.org`)).status).toBe(404);
    expect((await fetch(`${svc.url}/vks/v1/by-email/alice@example.org`)).status).toBe(404);
    const h = await (await fetch(`${svc.url}/api/v1/history?email=alice@example.org`)).json();
    expect(h.entries.map((e: { action: string }) => e.action)).toEqual(['bind', 'bind', 'bind', 'unbind']);
    // the address and the certificates served for it are erased; the log keeps the entries
    expect(h.entries.every((e: { certificate: string | null }) => e.certificate === null)).toBe(true);
    const unbind = decodeEntry(base64Decode(h.entries[3].entry));
    expect(unbind.certificateHash).toEqual(decodeEntry(base64Decode(h.entries[2].entry)).certificateHash);
    // a removal request for an address that is not bound answers the same, and mails nothing
    const before = svc.smtp.received.length;
    expect((await post('/api/v1/manage', { email: 'nobody@example.org' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 800));
    expect(svc.smtp.received.length).toBe(before);
  });

  test('the per-address mail limit answers 429 with Retry-After', async () => {
    const carol = await makeKey([{ email: 'carol@example.org' }]);
    const up = await (await post('/vks/v1/upload', { keytext: carol.armored })).json();
    for (let i = 0; i < 3; i++) expect((await post('/vks/v1/request-verify', { token: up.token, addresses: ['carol@example.org'] })).status).toBe(200);
    const limited = await post('/vks/v1/request-verify', { token: up.token, addresses: ['carol@example.org'] });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).code).toBe('rate-limited');
  });
});
