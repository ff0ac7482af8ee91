// OpenPGP/MIME (RFC 3156) for encrypted verification mails: the entity that is encrypted, its
// encryption to a certificate (openpgp.js decrypts it with the secret key; a flipped byte or
// the wrong key does not decrypt), no encryption to a key that cannot encrypt, the
// multipart/encrypted message sent through a real SMTP server and read back by mailparser,
// the console transport, and the checks on a pgpMime mail.
import { dearmor } from '@glasskey/verifier';
import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MailContentError } from '../../server/mail/errors.ts';
import { checkMail } from '../../server/mail/message.ts';
import { encryptEntity, mimeEntity, pgpMimeMessage } from '../../server/mail/pgp-mime.ts';
import { createTransport } from '../../server/mail/transport.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const TEXT = 'Hello,\n\nOpen this link: https://keys.example.org/verify/AAAAAAAAAAAAAAAAAAAAAA\n\nÄrger? Ignore this mail.\n';
let owner: TestKey; // ed25519Legacy + cv25519 encryption subkey
let stranger: TestKey;
let sink: SmtpSink;

beforeAll(async () => {
  owner = await makeKey([{ email: 'alice@example.org' }]);
  stranger = await makeKey([{ email: 'mallory@example.org' }]);
  sink = await startSmtpSink();
});
afterAll(async () => sink?.close());

async function decrypt(armored: string, key: openpgp.PrivateKey): Promise<Uint8Array> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: key, format: 'binary' });
  return data as Uint8Array;
}

describe('the encrypted entity', () => {
  test('text only: a text/plain body part (Content-* headers only) that mailparser reads back exactly', async () => {
    const entity = Buffer.from(await mimeEntity(TEXT));
    const head = entity.toString('utf8').split('\r\n\r\n')[0];
    expect(head.split('\r\n').sort()).toEqual(['Content-Transfer-Encoding: quoted-printable', 'Content-Type: text/plain; charset=utf-8']);
    const parsed = await simpleParser(entity);
    expect(parsed.text).toBe(TEXT);
  });

  test('with HTML: multipart/alternative with both', async () => {
    const parsed = await simpleParser(Buffer.from(await mimeEntity(TEXT, '<p>Hello <b>there</b></p>')));
    expect(parsed.text).toBe(TEXT);
    expect(parsed.html).toContain('<b>there</b>');
  });
});

describe('encryption to the certificate', () => {
  test('the owner decrypts exactly the entity; another key and a flipped byte do not', async () => {
    const entity = await mimeEntity(TEXT);
    const armored = await encryptEntity(entity, owner.armored, new Date());
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(Buffer.from(await decrypt(armored!, owner.privateKey)).equals(Buffer.from(entity))).toBe(true);
    expect(armored).not.toContain('verify');
    await expect(decrypt(armored!, stranger.privateKey)).rejects.toThrow();
    const binary = dearmor(armored!).data;
    const flipped = Uint8Array.from(binary);
    flipped[flipped.length - 30] ^= 1;
    const readAndDecrypt = async (bytes: Uint8Array) => openpgp.decrypt({ message: await openpgp.readMessage({ binaryMessage: bytes }), decryptionKeys: owner.privateKey });
    await expect(readAndDecrypt(flipped)).rejects.toThrow();
    // A flip deep inside the encrypted data, past every packet header.
    const deep = Uint8Array.from(binary);
    deep[Math.floor(deep.length * 0.8)] ^= 0x40;
    await expect(readAndDecrypt(deep)).rejects.toThrow();
    await expect(readAndDecrypt(Uint8Array.from(binary))).resolves.toBeTruthy(); // control: unflipped decrypts
  });

  test('a v6 certificate (X25519 subkey) and a binary certificate work too', async () => {
    const v6 = await makeKey([{ email: 'six@example.org' }], { type: 'curve25519', v6: true });
    const armored = await encryptEntity(await mimeEntity(TEXT), v6.armored, new Date());
    expect((await simpleParser(Buffer.from(await decrypt(armored!, v6.privateKey)))).text).toBe(TEXT);
    const binary = (await openpgp.readKey({ armoredKey: owner.armored })).write();
    const again = await encryptEntity(await mimeEntity(TEXT), binary, new Date());
    expect((await simpleParser(Buffer.from(await decrypt(again!, owner.privateKey)))).text).toBe(TEXT);
  });

  test('a certificate that cannot encrypt (no encryption subkey; an expired one) gives null', async () => {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ email: 'sign@example.org' }], type: 'ecc', curve: 'ed25519Legacy', subkeys: [], format: 'object' });
    expect(await encryptEntity(await mimeEntity(TEXT), privateKey.toPublic().armor(), new Date())).toBeNull();
    const expiring = await makeKey([{ email: 'old@example.org' }], { keyExpirationTime: 60 });
    expect(await encryptEntity(await mimeEntity(TEXT), expiring.armored, new Date(Date.now() + 3600_000))).toBeNull();
  });
});

describe('the OpenPGP/MIME message', () => {
  test('multipart/encrypted with the control part and the armored message, sent over SMTP as built', async () => {
    const armored = (await encryptEntity(await mimeEntity(TEXT), owner.armored, new Date()))!;
    const mail = { from: 'glasskey <noreply@keys.example.org>', to: 'alice@example.org', subject: 'glasskey: confirm', text: armored, pgpMime: true, headers: { 'Auto-Submitted': 'auto-generated' } };
    const t = createTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}` });
    const { messageId } = await t.send(mail);
    t.close();
    const [got] = await sink.waitFor(1);
    expect(got.mailFrom).toBe('noreply@keys.example.org');
    expect(got.rcptTo).toEqual(['alice@example.org']);
    const raw = got.raw.toString('utf8');
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted";/m);
    expect(raw).toContain('Auto-Submitted: auto-generated');
    expect(raw).not.toContain('/verify/');
    expect(got.parsed.messageId).toBe(messageId);
    expect(got.parsed.subject).toBe('glasskey: confirm');
    const [control, data] = got.parsed.attachments;
    expect(control.contentType).toBe('application/pgp-encrypted');
    expect(control.content.toString('utf8').trim()).toBe('Version: 1');
    expect(data.contentType).toBe('application/octet-stream');
    const sent = data.content.toString('utf8');
    expect((await simpleParser(Buffer.from(await decrypt(sent, owner.privateKey)))).text).toBe(TEXT);
    // The same message as pgpMimeMessage builds it (the transport sends it as is).
    const built = (await pgpMimeMessage({ ...mail })).raw.toString('utf8');
    expect(built).toContain('Content-Type: application/pgp-encrypted');
  });

  test('the console transport prints the armored message and says it is OpenPGP/MIME', async () => {
    const armored = (await encryptEntity(await mimeEntity(TEXT), owner.armored, new Date()))!;
    const out: string[] = [];
    await createTransport({ write: (s) => out.push(s) }).send({ from: 'g <n@keys.example.org>', to: 'alice@example.org', subject: 's', text: armored, pgpMime: true });
    expect(out[0]).toContain('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"');
    expect(out[0]).toContain('-----BEGIN PGP MESSAGE-----');
  });

  test('a pgpMime mail must carry an armored message and no HTML', () => {
    expect(() => checkMail({ to: 'a@example.org', subject: 's', text: 'hello', pgpMime: true })).toThrow(MailContentError);
    expect(() => checkMail({ to: 'a@example.org', subject: 's', text: '-----BEGIN PGP MESSAGE-----\n\nx\n', html: '<p>x</p>', pgpMime: true })).toThrow(MailContentError);
    expect(() => checkMail({ to: 'a@example.org', subject: 's', text: '-----BEGIN PGP MESSAGE-----\n\nü\n', pgpMime: true })).toThrow(MailContentError);
    expect(checkMail({ to: 'a@example.org', subject: 's', text: '-----BEGIN PGP MESSAGE-----\n\nx\n', pgpMime: true }).pgpMime).toBe(true);
    expect(checkMail({ to: 'a@example.org', subject: 's', text: 'x' })).not.toHaveProperty('pgpMime');
  });
});
