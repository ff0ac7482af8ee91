// readCertificates: every input form the upload endpoints accept, and refusal of private
// keys (armored and binary, v4 and v6, encrypted or not), messages and garbage.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES } from '../../server/openpgp/limits.ts';
import { readCertificates } from '../../server/openpgp/read.ts';
import { assemble, concatBytes, expectCertificateError, generate, packetsOf, Tag, type TestKey } from './helpers.ts';

let v4: TestKey;
let v6: TestKey;
let other: TestKey;
let v4Private: { armored: string; binary: Uint8Array; encryptedArmored: string };
let v6Private: { armored: string; binary: Uint8Array };

beforeAll(async () => {
  v4 = await generate('ed25519Legacy', [{ name: 'Alice', email: 'alice@example.org' }]);
  v6 = await generate('v6', [{ name: 'Vera', email: 'vera@example.org' }]);
  other = await generate('curve25519', [{ email: 'bob@example.org' }]);
  const encrypted = await openpgp.encryptKey({ privateKey: v4.privateKey, passphrase: 'correct horse' });
  v4Private = { armored: v4.privateKey.armor(), binary: v4.privateKey.write(), encryptedArmored: encrypted.armor() };
  v6Private = { armored: v6.privateKey.armor(), binary: v6.privateKey.write() };
});

const fingerprintOf = async (body: Uint8Array) => {
  const p = new openpgp.PublicKeyPacket();
  await p.read(body);
  return p.getFingerprint();
};

describe('readCertificates: accepted forms', () => {
  it('reads one armored certificate', async () => {
    const [cert] = await readCertificates(v4.armored);
    expect(await fingerprintOf(cert.primary.body)).toBe(v4.publicKey.getFingerprint());
    expect(cert.userIds).toHaveLength(1);
    expect(cert.subkeys).toHaveLength(1);
    expect(cert.userIds[0].signatures.length).toBeGreaterThan(0);
  });

  it('reads binary, base64 of binary (with line breaks), and armor given as bytes', async () => {
    const base64 = Buffer.from(v4.binary).toString('base64').replace(/(.{64})/g, '$1\n');
    for (const input of [v4.binary, base64, new TextEncoder().encode(v4.armored)]) {
      const [cert] = await readCertificates(input);
      expect(await fingerprintOf(cert.primary.body)).toBe(v4.publicKey.getFingerprint());
    }
  });

  it('reads several armored blocks and a binary keyring, up to max', async () => {
    const twoBlocks = `${v4.armored}\nsome text between\n${other.armored}`;
    const keyring = concatBytes([v4.binary, other.binary]);
    for (const input of [twoBlocks, keyring]) {
      const certs = await readCertificates(input, { max: 5 });
      expect(await Promise.all(certs.map((c) => fingerprintOf(c.primary.body)))).toEqual([
        v4.publicKey.getFingerprint(),
        other.publicKey.getFingerprint(),
      ]);
      await expectCertificateError(readCertificates(input), 'too-many-certificates');
      await expectCertificateError(readCertificates(input, { max: 1 }), 'too-many-certificates');
    }
  });

  it('reads v6 certificates', async () => {
    const [cert] = await readCertificates(v6.armored);
    expect(cert.primary.body[0]).toBe(6);
    expect(await fingerprintOf(cert.primary.body)).toBe(v6.publicKey.getFingerprint());
  });

  it('skips trust and marker packets, and groups signatures by component', async () => {
    const packets = packetsOf(v4.binary);
    const withTrust = assemble([
      { tag: Tag.marker, body: new TextEncoder().encode('PGP') },
      ...packets.flatMap((p) => [p, { tag: Tag.trust, body: Uint8Array.of(0, 0) }]),
    ]);
    const [cert] = await readCertificates(withTrust);
    expect(cert.ignored).toBe(packets.length);
    expect(cert.userIds).toHaveLength(1);
    expect(cert.subkeys[0].signatures).toHaveLength(1);
  });
});

describe('readCertificates: private keys are refused', () => {
  const cases: [string, () => string | Uint8Array][] = [
    ['armored v4', () => v4Private.armored],
    ['armored v4, passphrase-protected', () => v4Private.encryptedArmored],
    ['binary v4', () => v4Private.binary],
    ['base64 of binary v4', () => Buffer.from(v4Private.binary).toString('base64')],
    ['armored v6', () => v6Private.armored],
    ['binary v6', () => v6Private.binary],
    ['a private key after a public one in a keyring', () => concatBytes([other.binary, v4Private.binary])],
    ['a private key block after a public block', () => `${other.armored}\n${v4Private.armored}`],
    ['a truncated binary private key', () => v4Private.binary.subarray(0, 12)],
    ['a private key armored under a public-key header', () => openpgp.armor(openpgp.enums.armor.publicKey, v4Private.binary)],
  ];
  for (const [name, input] of cases) {
    it(`refuses ${name}, without quoting any of it`, async () => {
      const err = await expectCertificateError(readCertificates(input(), { max: 5 }), 'secret-key');
      const secretBase64 = Buffer.from(v4Private.binary).toString('base64');
      for (let i = 0; i + 16 <= secretBase64.length; i += 16) expect(err.message).not.toContain(secretBase64.slice(i, i + 16));
      expect(err.message).not.toMatch(/[A-Za-z0-9+/]{24,}/);
      expect(JSON.stringify(err)).not.toMatch(/[A-Za-z0-9+/]{24,}/);
      expect(err.cause).toBeUndefined();
    });
  }
});

describe('readCertificates: garbage', () => {
  it('refuses a signed message, a bare signature and text that is no OpenPGP at all', async () => {
    const message = await openpgp.sign({
      message: await openpgp.createMessage({ text: 'hello' }),
      signingKeys: other.privateKey,
    });
    await expectCertificateError(readCertificates(message), 'unreadable');
    const sigOnly = assemble(packetsOf(v4.binary).filter((p) => p.tag === Tag.signature));
    await expectCertificateError(readCertificates(sigOnly), 'no-primary-key');
    await expectCertificateError(readCertificates('hello world'), 'unreadable');
    await expectCertificateError(readCertificates(''), 'unreadable');
    await expectCertificateError(readCertificates(new Uint8Array()), 'unreadable');
  });

  it('refuses input over the size limit before decoding it', async () => {
    await expectCertificateError(readCertificates('A'.repeat(MAX_INPUT_BYTES + 1)), 'too-large');
    await expectCertificateError(readCertificates(new Uint8Array(MAX_INPUT_BYTES + 1).fill(0x99)), 'too-large');
  });

  it('refuses damaged armor: truncated, bad checksum, no END line', async () => {
    const lines = v4.armored.split('\n');
    const body = lines.findIndex((l) => l.length === 0) + 1;
    const flipped = [...lines];
    flipped[body] = (flipped[body][0] === 'A' ? 'B' : 'A') + flipped[body].slice(1);
    for (const input of [v4.armored.slice(0, v4.armored.length / 2), flipped.join('\n'), v4.armored.replace('-----END PGP PUBLIC KEY BLOCK-----', '')]) {
      await expectCertificateError(readCertificates(input), 'unreadable');
    }
  });
});
