// Thunderbird's keys.openpgp.org client (accessVksServer in comm-central's
// mail/extensions/openpgp/content/modules/keyserver.sys.mjs) against glasskey, over real HTTP
// with real mail. Its calls are made again here as it makes them (against our base URL, not
// https://<host>): upload is POST /vks/v1/upload with Content-Type application/json and
// {keytext}; every address whose status is not "published" then goes to POST
// /vks/v1/request-verify with {token, addresses, locale: [<UI locale>]}; a download is GET
// /vks/v1/by-keyid/<16 hex> or /by-fingerprint/<40 hex> for "0x..." terms in upper case and
// /vks/v1/by-email/<address> otherwise (with Content-Type text/plain;charset=UTF-8 on the
// GET, as its XMLHttpRequest sets it); a 4xx answer means "not found", a 2xx body is imported
// (here: read by openpgp.js). Any status >= 400 on upload is an error.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let svc: TestService;
let key: TestKey;

/** Thunderbird's XHR: method, URL, the Content-Type it always sets, and the payload. */
async function xhr(method: string, url: string, contentType: string, payload: string | null): Promise<{ status: number; responseText: string }> {
  const res = await fetch(url, { method, headers: { 'Content-Type': contentType }, body: method === 'GET' ? undefined : (payload ?? '') });
  return { status: res.status, responseText: await res.text() };
}

/** stripEmail: the address in "Name <address>", or the term itself. */
function stripEmail(term: string): string {
  const m = /<([^<>]+)>/.exec(term);
  return (m ? m[1] : term).trim();
}

function downloadUrl(term: string): string {
  let lookup = '/vks/';
  if (term.indexOf('0x') === 0) {
    const id = term.substring(2);
    if (id.length === 16 && /^[A-F0-9]+$/.test(id)) lookup = `/vks/v1/by-keyid/${id}`;
    else if (id.length === 40 && /^[A-F0-9]+$/.test(id)) lookup = `/vks/v1/by-fingerprint/${id}`;
  } else {
    lookup = `/vks/v1/by-email/${stripEmail(term)}`;
  }
  return svc.url + lookup;
}

/** download(): the key text, or 1 for "not found" (any 4xx), as Thunderbird resolves it. */
async function download(term: string): Promise<string | 1> {
  const r = await xhr('GET', downloadUrl(term), 'text/plain;charset=UTF-8', '');
  if (r.status >= 400 && r.status < 500) return 1;
  if (r.status >= 500) throw new Error(`server error ${r.status}`);
  return r.responseText;
}

/** upload(): upload, then ask for confirmation links for every address not yet published. */
async function upload(armored: string, locale = 'en-US'): Promise<{ requested: string[] }> {
  const up = await xhr('POST', `${svc.url}/vks/v1/upload`, 'application/json', JSON.stringify({ keytext: armored }));
  if (up.status >= 400) throw new Error(`upload failed: ${up.status}`);
  const response = JSON.parse(up.responseText) as { token: string; status: Record<string, string> };
  const addresses = Object.keys(response.status).filter((email) => response.status[email] !== 'published');
  if (addresses.length > 0) {
    const r = await xhr('POST', `${svc.url}/vks/v1/request-verify`, 'application/json', JSON.stringify({ token: response.token, addresses, locale: [locale] }));
    if (r.status >= 400) throw new Error(`request-verify failed: ${r.status} ${r.responseText}`);
  }
  return { requested: addresses };
}

async function userIds(armored: string): Promise<string[]> {
  const keys = await openpgp.readKeys({ armoredKeys: armored });
  return keys.flatMap((k) => k.users.map((u) => u.userID?.userID ?? '')).sort();
}

beforeAll(async () => {
  svc = await startTestService();
  key = await makeKey([
    { name: 'Tilda', email: 'tilda@example.org' },
    { name: 'Tilda Home', email: 'tilda@home.example' },
  ]);
});
afterAll(async () => svc?.close());

test('publish as Thunderbird does: upload, then request-verify (with its locale) for both addresses; one link each', async () => {
  const { requested } = await upload(key.armored);
  expect(requested.sort()).toEqual(['tilda@example.org', 'tilda@home.example']);
  for (const a of requested) expect(await svc.linkFor(a)).toMatch(/\/verify\//);
});

test('before confirmation a download by address finds nothing (Thunderbird: not found)', async () => {
  expect(await download('tilda@example.org')).toBe(1);
  expect(await download('Tilda <tilda@example.org>')).toBe(1);
});

test('after confirming one link: by address, by 0x key ID and by 0x fingerprint Thunderbird imports exactly that user ID', async () => {
  const res = await fetch(await svc.linkFor('tilda@example.org'), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  const primary = await openpgp.readKey({ armoredKey: key.armored });
  for (const term of ['tilda@example.org', 'Tilda <tilda@example.org>', `0x${primary.getKeyID().toHex().toUpperCase()}`, `0x${key.fingerprint}`]) {
    const got = await download(term);
    expect(got, term).not.toBe(1);
    expect(await userIds(got as string), term).toEqual(['Tilda <tilda@example.org>']);
  }
  expect(await download('tilda@home.example')).toBe(1);
});

test('publishing again at once: Thunderbird asks again for the pending address; the per-address limit answers 429, which Thunderbird reports as a failed upload (the first link still works)', async () => {
  const before = svc.mailsTo('tilda@home.example').length;
  await expect(upload(key.armored)).rejects.toThrow(/request-verify failed: 429/);
  await new Promise((r) => setTimeout(r, 500));
  expect(svc.mailsTo('tilda@home.example')).toHaveLength(before);
  const res = await fetch(await svc.linkFor('tilda@home.example'), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  expect(await userIds((await download('tilda@home.example')) as string)).toEqual(['Tilda Home <tilda@home.example>']);
});

test('a key with a revoked user ID: Thunderbird asks for it too (its status is "revoked"); the rest is mailed, no error', async () => {
  const k = await makeKey([
    { name: 'Rex', email: 'rex@example.org' },
    { name: 'Rex Old', email: 'rex@old.example' },
  ]);
  const old = k.privateKey.users.findIndex((u) => u.userID?.email === 'rex@old.example');
  k.privateKey.users[old] = await k.privateKey.users[old].revoke(k.privateKey.keyPacket as openpgp.SecretKeyPacket, { flag: openpgp.enums.reasonForRevocation.userIDInvalid, string: 'gone' });
  const armored = k.privateKey.toPublic().armor();
  const up = JSON.parse((await xhr('POST', `${svc.url}/vks/v1/upload`, 'application/json', JSON.stringify({ keytext: armored }))).responseText);
  expect(up.status).toEqual({ 'rex@example.org': 'unpublished', 'rex@old.example': 'revoked' });
  const { requested } = await upload(armored);
  expect(requested.sort()).toEqual(['rex@example.org', 'rex@old.example']);
  expect(await svc.linkFor('rex@example.org')).toMatch(/\/verify\//);
  await new Promise((r) => setTimeout(r, 500));
  expect(svc.mailsTo('rex@old.example')).toHaveLength(0);
});

test('an address that is not in the key at all is still an error', async () => {
  const up = JSON.parse((await xhr('POST', `${svc.url}/vks/v1/upload`, 'application/json', JSON.stringify({ keytext: key.armored }))).responseText);
  const r = await xhr('POST', `${svc.url}/vks/v1/request-verify`, 'application/json', JSON.stringify({ token: up.token, addresses: ['someone@else.example'], locale: ['de-DE'] }));
  expect(r.status).toBe(400);
  expect(JSON.parse(r.responseText).code).toBe('address-not-in-certificate');
});
