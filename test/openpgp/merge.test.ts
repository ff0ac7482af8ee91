// mergeCertificates: updates to a stored certificate (new expiry, new subkey, new user ID,
// revocations) come in; nothing stored is lost, revocations least of all; the report says
// what changed and which addresses' served bytes changed.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateForAddress } from '../../server/openpgp/filter.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { mergeCertificates } from '../../server/openpgp/merge.ts';
import type { CleanCertificate } from '../../server/openpgp/types.ts';
import {
  assemble,
  expectCertificateError,
  generate,
  indexOfTag,
  insertAfter,
  packetsOf,
  selfSignedUserId,
  sign,
  SigType,
  Tag,
  type TestKey,
} from './helpers.ts';

let key: TestKey;
let stored: CleanCertificate;

const secret = (k: TestKey) => k.privateKey.keyPacket as openpgp.SecretKeyPacket;

beforeAll(async () => {
  key = await generate('ed25519Legacy', [{ name: 'Alice', email: 'alice@example.org' }, { email: 'alt@example.org' }], {
    date: new Date(Date.now() - 86400_000),
  });
  stored = await loadCertificate(key.binary);
});

/** The stored certificate with a newer self-signature on its first user ID setting an expiry. */
async function withNewExpiry(seconds: number): Promise<Uint8Array> {
  const packets = packetsOf(key.binary);
  const uid = indexOfTag(packets, Tag.userId);
  const renewed = await sign(secret(key), SigType.certPositive, { key: key.publicKey.keyPacket, userId: packets[uid].body }, {
    props: { keyExpirationTime: seconds, keyNeverExpires: false, keyFlags: [0x03], isPrimaryUserID: true },
  });
  return assemble(insertAfter(packets, uid, [{ tag: Tag.signature, body: renewed }]));
}

describe('mergeCertificates', () => {
  it('reports no change when the same certificate is uploaded again, even reordered or with junk', async () => {
    const packets = packetsOf(key.binary);
    const mallory = await generate('curve25519', [{ email: 'mallory@example.com' }]);
    const uid = indexOfTag(packets, Tag.userId);
    const thirdParty = await sign(secret(mallory), SigType.certGeneric, { key: key.publicKey.keyPacket, userId: packets[uid].body });
    const noisy = assemble(insertAfter(packets, uid, [{ tag: Tag.signature, body: thirdParty }]));
    const result = await mergeCertificates(stored, await loadCertificate(noisy));
    expect(result.changed).toBe(false);
    expect(result.certificate.binary).toEqual(stored.binary);
    expect(result).toMatchObject({ revoked: false, expiresChanged: false, newSubkeys: [], newAddresses: [], revokedAddresses: [], changedAddresses: [] });
  });

  it('takes a new expiry', async () => {
    const result = await mergeCertificates(stored, await loadCertificate(await withNewExpiry(365 * 86400)));
    expect(result.changed).toBe(true);
    expect(result.expiresChanged).toBe(true);
    expect(result.certificate.expires?.getTime()).toBe(key.publicKey.getCreationTime().getTime() + 365 * 86400_000);
    expect(stored.expires).toBeNull();
    expect(result.changedAddresses).toEqual(['alice@example.org']);
    // Only the newest self-signature of that user ID is kept.
    const served = await openpgp.readKey({ binaryKey: certificateForAddress(result.certificate, 'alice@example.org') });
    expect(served.users[0].selfCertifications).toHaveLength(1);
  });

  it('takes a new subkey, changing every address served', async () => {
    const extended = await key.privateKey.addSubkey({ type: 'ecc', curve: 'curve25519Legacy' });
    const result = await mergeCertificates(stored, await loadCertificate(extended.toPublic().write()));
    expect(result.newSubkeys).toEqual([extended.subkeys[1].getFingerprint().toUpperCase()]);
    expect(result.certificate.subkeys).toHaveLength(2);
    expect(result.changed).toBe(true);
    expect(result.changedAddresses).toEqual(['alice@example.org', 'alt@example.org']);
  });

  it('takes a revocation, and never loses it when a later upload lacks it', async () => {
    const { publicKey: revokedBinary } = await openpgp.revokeKey({ key: key.privateKey, format: 'binary' });
    const revoked = await mergeCertificates(stored, await loadCertificate(revokedBinary));
    expect(revoked.revoked).toBe(true);
    expect(revoked.certificate.revoked).toBe(true);
    expect(revoked.changed).toBe(true);
    expect(revoked.changedAddresses).toEqual(['alice@example.org', 'alt@example.org']);

    // A later upload of the old, unrevoked certificate with a new expiry: the revocation stays.
    const later = await mergeCertificates(revoked.certificate, await loadCertificate(await withNewExpiry(30 * 86400)));
    expect(later.certificate.revoked).toBe(true);
    expect(later.revoked).toBe(false); // not newly revoked
    expect(later.expiresChanged).toBe(true);
    expect(await (await openpgp.readKey({ binaryKey: later.certificate.binary })).isRevoked()).toBe(true);
    expect(await (await openpgp.readKey({ binaryKey: certificateForAddress(later.certificate, 'alt@example.org') })).isRevoked()).toBe(true);
  });

  it('keeps a stored user ID revocation when the upload lacks it', async () => {
    const packets = packetsOf(key.binary);
    const uid = indexOfTag(packets, Tag.userId, 1);
    const revocation = await sign(secret(key), SigType.certRevocation, { key: key.publicKey.keyPacket, userId: packets[uid].body }, {
      props: { reasonForRevocationFlag: 32, reasonForRevocationString: '' },
    });
    const withRevocation = await loadCertificate(assemble(insertAfter(packets, uid, [{ tag: Tag.signature, body: revocation }])));
    const update = await mergeCertificates(stored, withRevocation);
    expect(update.revokedAddresses).toEqual(['alt@example.org']);
    expect(update.changedAddresses).toEqual(['alt@example.org']);
    const again = await mergeCertificates(update.certificate, stored);
    expect(again.changed).toBe(false);
    expect(again.certificate.addresses).toEqual(['alice@example.org']);
  });

  it('takes a new user ID without changing what other addresses are served', async () => {
    const packets = packetsOf(key.binary);
    const extra = await selfSignedUserId(key, 'Alice New <new@example.org>');
    const added = await loadCertificate(assemble(insertAfter(packets, indexOfTag(packets, Tag.publicSubkey) - 1, extra)));
    const result = await mergeCertificates(stored, added);
    expect(result.changed).toBe(true);
    expect(result.newAddresses).toEqual(['new@example.org']);
    expect(result.changedAddresses).toEqual([]);
  });

  it('accepts an update that carries only the primary key and a revocation', async () => {
    const { publicKey: revokedBinary } = await openpgp.revokeKey({ key: key.privateKey, format: 'binary' });
    const packets = packetsOf(revokedBinary);
    const bare = await loadCertificate(assemble(packets.slice(0, indexOfTag(packets, Tag.userId))));
    expect(bare.addresses).toEqual([]);
    const result = await mergeCertificates(stored, bare);
    expect(result.revoked).toBe(true);
    expect(result.certificate.addresses).toEqual(['alice@example.org', 'alt@example.org']);
  });

  it('refuses to merge different certificates', async () => {
    const other = await loadCertificate((await generate('ed25519Legacy', [{ email: 'alice@example.org' }])).binary);
    await expectCertificateError(mergeCertificates(stored, other), 'fingerprint-mismatch');
  });
});
