// The Mailvelope extension's keyserver client against glasskey, over real HTTP with real mail:
// the calls it makes (test/interop/mailvelope-client.ts: same URLs, bodies and checks),
// upload with and without `emails`, the mailed /verify/ links confirmed, lookups by email
// (openpgp.js reads the key and keeps the queried address's user IDs), by key ID and by
// fingerprint, removal by email and by key ID. The extra fields of a lookup by email are a
// /api/v1/lookup answer that @glasskey/verifier accepts under the server's policy.
import { parsePolicy, verifyLookup, dearmor } from '@glasskey/verifier';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { MailvelopeClientError, mailvelopeClient } from './mailvelope-client.ts';

let svc: TestService;
let mv: ReturnType<typeof mailvelopeClient>;
let key: TestKey; // alice@example.org and alice.work@example.org

async function confirm(link: string) {
  const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as { action: string; address: string; fingerprint: string; index: number };
}

async function userIdsOf(armored: string): Promise<string[]> {
  const k = await openpgp.readKey({ armoredKey: armored });
  return k.users.map((u) => u.userID?.userID ?? '').sort();
}

beforeAll(async () => {
  svc = await startTestService({}, { rates: ratePolicies({ verifyMailPerAddress: { limit: 2 } }) });
  mv = mailvelopeClient(svc.url);
  key = await makeKey([
    { name: 'Alice', email: 'alice@example.org' },
    { name: 'Alice Work', email: 'alice.work@example.org' },
  ]);
});
afterAll(async () => svc?.close());

describe('the Mailvelope extension against glasskey', () => {
  test('upload with emails: 201, a link mailed to that address only, nothing published yet', async () => {
    const res = await mv.upload({ publicKeyArmored: key.armored, emails: ['alice@example.org'] });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ fingerprint: key.fingerprint.toLowerCase(), mailed: ['alice@example.org'], rateLimited: [] });
    const link = await svc.linkFor('alice@example.org');
    expect(link).toMatch(/\/verify\/[A-Za-z0-9_-]{22}$/);
    await new Promise((r) => setTimeout(r, 500)); // a mail to the other address would have come by now
    expect(svc.mailsTo('alice.work@example.org')).toHaveLength(0);
    expect(await mv.lookup({ email: 'alice@example.org' })).toBeUndefined();
    expect(await mv.fetch({ fingerprint: key.fingerprint })).toBeUndefined();
  });

  test('the mailed link confirms (our /verify/ link); lookup by email then gives the key with that user ID', async () => {
    const done = await confirm(await svc.linkFor('alice@example.org'));
    expect(done).toMatchObject({ action: 'bind', address: 'alice@example.org', fingerprint: key.fingerprint });
    const found = await mv.lookup({ email: 'alice@example.org' });
    expect(found).toBeDefined();
    expect(await userIdsOf(found!.armored)).toEqual(['Alice <alice@example.org>']);
    // The key object itself, as that server answers it.
    const json = found!.json;
    const primary = await openpgp.readKey({ armoredKey: key.armored });
    expect(json).toMatchObject({
      keyId: primary.getKeyID().toHex(),
      fingerprint: primary.getFingerprint(),
      userIds: [{ name: 'Alice', email: 'alice@example.org', verified: true }],
      created: primary.getCreationTime().toISOString(),
      algorithm: primary.getAlgorithmInfo().algorithm,
      keySize: 255,
    });
    expect(json.publicKeyArmored).not.toContain('alice.work');
  });

  test('the extra fields of a lookup by email verify with @glasskey/verifier, for the very bytes of publicKeyArmored', async () => {
    const res = await fetch(mv.url({ email: 'Alice@Example.org' }));
    expect(res.status).toBe(200);
    const json = await res.json();
    const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
    const verified = verifyLookup(json, policy, 'alice@example.org');
    expect(Buffer.from(verified.certificate).equals(Buffer.from(dearmor(json.publicKeyArmored).data))).toBe(true);
    // The fields are those of /api/v1/lookup, whatever that answer carries.
    const lookup = await (await fetch(`${svc.url}/api/v1/lookup?email=alice%40example.org`)).json();
    for (const [k, v] of Object.entries(lookup)) expect(json[k], k).toEqual(v);
    // A client that does not know them is not disturbed: a flipped entry byte fails the proof only.
    const entry = Buffer.from(json.entry, 'base64');
    entry[80] ^= 1;
    expect(() => verifyLookup({ ...json, entry: entry.toString('base64') }, policy, 'alice@example.org')).toThrow();
  });

  test('fetch by key ID (with 0x) and by fingerprint: the key with its verified user IDs only', async () => {
    const primary = await openpgp.readKey({ armoredKey: key.armored });
    for (const q of [{ keyId: `0x${primary.getKeyID().toHex().toUpperCase()}` }, { keyId: primary.getKeyID().toHex() }, { fingerprint: key.fingerprint }]) {
      const json = await mv.fetch(q);
      expect(json, JSON.stringify(q)).toBeDefined();
      expect(json!.fingerprint).toBe(key.fingerprint.toLowerCase());
      expect(json!.userIds).toEqual([{ name: 'Alice', email: 'alice@example.org', verified: true }]);
      expect(await userIdsOf(json!.publicKeyArmored)).toEqual(['Alice <alice@example.org>']);
      expect(json!.proof).toBeUndefined(); // the log covers addresses, not key IDs
    }
  });

  test('unknown or unverified: lookup gives undefined (404), never a key', async () => {
    expect(await mv.lookup({ email: 'alice.work@example.org' })).toBeUndefined();
    expect(await mv.lookup({ email: 'nobody@example.org' })).toBeUndefined();
    expect(await mv.fetch({ keyId: '0123456789ABCDEF' })).toBeUndefined();
    const res = await fetch(mv.url({ email: 'nobody@example.org' }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not-found' });
  });

  test('upload again without emails: mails the other address, says the first is published', async () => {
    const res = await mv.upload({ publicKeyArmored: key.armored });
    const body = await res.json();
    expect(body).toMatchObject({ mailed: ['alice.work@example.org'], published: ['alice@example.org'] });
    await confirm(await svc.linkFor('alice.work@example.org'));
    const found = await mv.lookup({ email: 'alice.work@example.org' });
    expect(await userIdsOf(found!.armored)).toEqual(['Alice Work <alice.work@example.org>']);
    const json = await mv.fetch({ fingerprint: key.fingerprint });
    expect(json!.userIds.map((u: { email: string }) => u.email).sort()).toEqual(['alice.work@example.org', 'alice@example.org']);
  });

  test('bad uploads are refused with the error the other upload paths give, and checkStatus throws', async () => {
    const priv = key.privateKey.armor();
    for (const [body, status, code] of [
      [{ publicKeyArmored: 'not a key' }, 400, undefined],
      [{ publicKeyArmored: priv }, 422, 'secret-key'],
      [{ publicKeyArmored: key.armored, emails: ['bob@example.org'] }, 400, 'address-not-in-certificate'],
      [{ publicKeyArmored: key.armored, emails: 'alice@example.org' }, 400, 'bad-emails'],
      [{ emails: ['alice@example.org'] }, 400, 'missing-field'],
    ] as [Record<string, unknown>, number, string | undefined][]) {
      const err = await mv.upload(body as { publicKeyArmored: string }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(body).slice(0, 60)).toBeInstanceOf(MailvelopeClientError);
      const response = (err as MailvelopeClientError).response;
      expect(response.status).toBe(status);
      const json = await response.json();
      if (code) expect(json.code).toBe(code);
      expect(typeof json.error).toBe('string');
    }
    expect((await fetch(`${svc.url}/api/v1/key?op=verify&keyId=0123456789abcdef&nonce=00`)).status).toBe(400);
    expect((await fetch(`${svc.url}/api/v1/key?email=a%40b.org&keyId=0123456789abcdef`)).status).toBe(400);
    expect((await fetch(`${svc.url}/api/v1/key?keyId=0123`)).status).toBe(400);
  });

  test('remove by email: 2xx, a removal link; confirming it unbinds the address (an unbind entry in the log)', async () => {
    const seen = svc.mailsTo('alice.work@example.org').length;
    const res = await mv.remove({ email: 'alice.work@example.org' });
    expect(res.status).toBe(202);
    const link = await svc.linkFor('alice.work@example.org', seen);
    const done = await confirm(link);
    expect(done).toMatchObject({ action: 'unbind', address: 'alice.work@example.org' });
    expect(await mv.lookup({ email: 'alice.work@example.org' })).toBeUndefined();
    const history = await (await fetch(`${svc.url}/api/v1/history?email=alice.work%40example.org`)).json();
    expect(history.entries.map((e: { action: string }) => e.action)).toEqual(['bind', 'unbind']);
    expect(await mv.lookup({ email: 'alice@example.org' })).toBeDefined();
  });

  test('remove by key ID: a removal link to every address still bound to the key', async () => {
    const primary = await openpgp.readKey({ armoredKey: key.armored });
    const seen = svc.mailsTo('alice@example.org').length;
    const res = await mv.remove({ keyId: primary.getKeyID().toHex().toUpperCase() });
    expect(await res.json()).toMatchObject({ mailed: ['alice@example.org'], rateLimited: [] });
    await confirm(await svc.linkFor('alice@example.org', seen));
    expect(await mv.lookup({ email: 'alice@example.org' })).toBeUndefined();
    expect(await mv.fetch({ fingerprint: key.fingerprint })).toBeUndefined();
    // Nothing bound any more: removal by key ID has nobody to mail.
    const again = await mv.remove({ keyId: primary.getKeyID().toHex() }).then(
      () => null,
      (e: MailvelopeClientError) => e.response.status,
    );
    expect(again).toBe(404);
  });

  test('uploads are rate limited like the rest: a mail the address budget does not allow is reported, not sent', async () => {
    const other = await makeKey([{ email: 'carol@example.org' }]);
    const first = await (await mv.upload({ publicKeyArmored: other.armored })).json();
    expect(first.mailed).toEqual(['carol@example.org']);
    // The link mailed earlier still works: no new mail.
    const second = await (await mv.upload({ publicKeyArmored: other.armored })).json();
    expect(second).toMatchObject({ mailed: [], pending: ['carol@example.org'] });
    // Two more keys for the same address: the second mail is within this test's budget of 2
    // per address, the third is not.
    const two = await (await mv.upload({ publicKeyArmored: (await makeKey([{ email: 'carol@example.org' }])).armored })).json();
    expect(two.mailed).toEqual(['carol@example.org']);
    const res = await mv.upload({ publicKeyArmored: (await makeKey([{ email: 'carol@example.org' }])).armored });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ mailed: [], rateLimited: ['carol@example.org'] });
    await new Promise((r) => setTimeout(r, 500));
    expect(svc.mailsTo('carol@example.org')).toHaveLength(2);
  });
});
