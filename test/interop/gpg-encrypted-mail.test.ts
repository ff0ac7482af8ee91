// GLASSKEY_ENCRYPT_VERIFICATION_MAIL=1 with real gpg, real SMTP and real HTTP: gpg makes a key
// (ed25519 + cv25519), sends it over HKP, the verification mail arrives as OpenPGP/MIME (RFC
// 3156) with no link in the clear, gpg decrypts it with the owner's secret key (and another
// home cannot), the link in the decrypted part binds the address. A gpg key that can only
// sign gets a plain mail that says it is not encrypted and why, and its link works. Removal
// mails stay plain. The VKS path encrypts too (an openpgp.js key, decrypted with openpgp.js).
//
// Skipped, with that reason, only when gpg is not installed (CI installs it in .ci/run; with
// CI set in the environment a missing gpg fails instead).
import { parsePolicy, verifyLookup } from '@glasskey/verifier';
import { simpleParser, type ParsedMail } from 'mailparser';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NOT_ENCRYPTED_NOTE } from '../../server/directory/encrypt-verification-mail.ts';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { findExecutable, GnuPGHome, listedKeys } from './clients.ts';

const GPG = findExecutable('gpg');
const missing = GPG ? null : 'gpg is not installed (not found on PATH); .ci/run installs it (Debian package gnupg)';
if (missing) console.warn(`test/interop/gpg-encrypted-mail.test.ts skipped: ${missing}`);

test.runIf(missing !== null && !!process.env.CI)('gpg must be installed in CI', () => {
  throw new Error(missing ?? '');
});

describe.skipIf(missing !== null)(missing ? `encrypted verification mail (skipped: ${missing})` : 'encrypted verification mail', () => {
  let svc: TestService;
  let keyserver: string;
  const homes: GnuPGHome[] = [];
  const home = () => {
    const h = GnuPGHome.create(GPG!);
    homes.push(h);
    return h;
  };

  async function mailTo(address: string, seen = 0): Promise<ParsedMail & { raw: string }> {
    await svc.smtp.until(() => svc.mailsTo(address).length > seen, 20_000);
    const m = svc.mailsTo(address)[seen];
    return Object.assign(m.parsed, { raw: m.raw.toString('utf8') });
  }

  function linkIn(text: string): string {
    const m = new RegExp(`${svc.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/verify/[A-Za-z0-9_-]{22}`).exec(text);
    if (!m) throw new Error(`no link in:\n${text}`);
    return m[0];
  }

  async function confirm(link: string) {
    const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    svc = await startTestService({ GLASSKEY_ENCRYPT_VERIFICATION_MAIL: '1' }, { rates: ratePolicies({ verifyMailPerAddress: { limit: 5 } }) });
    keyserver = `hkp://127.0.0.1:${new URL(svc.url).port}`;
  });
  afterAll(async () => {
    for (const h of homes) await h.close();
    await svc?.close();
  });

  describe('a key that can encrypt', () => {
    let owner: GnuPGHome;
    let fpr: string;
    let armored: string;

    test('gpg --send-keys: the mail is OpenPGP/MIME, with no link in the clear', async () => {
      owner = home();
      await owner.ok(['--quick-gen-key', 'Erin <erin@example.org>', 'ed25519', 'sign', '0']);
      [{ fingerprint: fpr }] = listedKeys(await owner.listColons(false, 'erin@example.org'));
      await owner.ok(['--quick-add-key', fpr, 'cv25519', 'encr', '0']);
      await owner.ok(['--keyserver', keyserver, '--send-keys', fpr]);
      const mail = await mailTo('erin@example.org');
      expect(mail.raw).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted";/m);
      expect(mail.raw).not.toContain('/verify/');
      expect(mail.subject).toContain('erin@example.org');
      const [control, data] = mail.attachments;
      expect(control.contentType).toBe('application/pgp-encrypted');
      expect(control.content.toString('utf8')).toContain('Version: 1');
      armored = data.content.toString('utf8');
      expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    });

    test('another gpg home cannot decrypt it', async () => {
      const other = home();
      await other.ok(['--quick-gen-key', 'Other <other@example.org>', 'ed25519', 'default', '0']);
      const r = await other.run(['--decrypt'], { input: armored });
      expect(r.code).not.toBe(0);
      expect(r.stdout).not.toContain('/verify/');
    });

    test('gpg decrypts it with the owner\'s secret key; the link inside binds the address', async () => {
      const r = await owner.ok(['--decrypt'], { input: armored });
      expect(r.stderr).toMatch(/encrypted with .*cv25519|ECDH/i);
      const entity = await simpleParser(Buffer.from(r.stdout, 'utf8'));
      const text = entity.text ?? '';
      expect(text).toContain('erin@example.org');
      expect(text.replace(/\s+/g, '')).toContain(fpr);
      const done = await confirm(linkIn(text));
      expect(done).toMatchObject({ action: 'bind', address: 'erin@example.org', fingerprint: fpr });
      const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
      const lookup = await (await fetch(`${svc.url}/api/v1/lookup?email=erin%40example.org`)).json();
      expect(verifyLookup(lookup, policy, 'erin@example.org').index).toBe(done.index);
    });

    test('the removal mail stays plain (whoever lost the key can still remove it)', async () => {
      const seen = svc.mailsTo('erin@example.org').length;
      expect((await fetch(`${svc.url}/api/v1/manage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'erin@example.org' }) })).status).toBe(202);
      const mail = await mailTo('erin@example.org', seen);
      expect(mail.raw).not.toContain('multipart/encrypted');
      expect(await confirm(linkIn(mail.text ?? ''))).toMatchObject({ action: 'unbind' });
    });
  });

  test('a gpg key that can only sign: a plain mail that says it is not encrypted and why; its link works', async () => {
    const signer = home();
    await signer.ok(['--quick-gen-key', 'Sam <sam@example.org>', 'ed25519', 'sign', '0']);
    const [{ fingerprint, subkeys }] = listedKeys(await signer.listColons(false, 'sam@example.org'));
    expect(subkeys).toHaveLength(0);
    await signer.ok(['--keyserver', keyserver, '--send-keys', fingerprint]);
    const mail = await mailTo('sam@example.org');
    expect(mail.raw).not.toContain('multipart/encrypted');
    const text = mail.text ?? '';
    expect(text.startsWith(NOT_ENCRYPTED_NOTE.split('\n')[0])).toBe(true);
    expect(text.replace(/\s+/g, ' ')).toContain('no valid subkey that can encrypt');
    expect(await confirm(linkIn(text))).toMatchObject({ action: 'bind', address: 'sam@example.org', fingerprint });
  });

  test('the VKS path encrypts too: an openpgp.js key, decrypted with openpgp.js', async () => {
    const key = await makeKey([{ email: 'vera@example.org' }]);
    const up = await (await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: key.armored }) })).json();
    await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: up.token, addresses: ['vera@example.org'] }) });
    const mail = await mailTo('vera@example.org');
    const message = await openpgp.readMessage({ armoredMessage: mail.attachments[1].content.toString('utf8') });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: key.privateKey, format: 'binary' });
    const text = (await simpleParser(Buffer.from(data as Uint8Array))).text ?? '';
    expect(await confirm(linkIn(text))).toMatchObject({ action: 'bind', address: 'vera@example.org' });
  });
});
