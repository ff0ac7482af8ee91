// What is served: per address (only that address's user IDs), per fingerprint (only the
// verified addresses), deterministic bytes, armor; and the key IDs for lookup indexes.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateForAddress, certificateWithAddresses, armorCertificate } from '../../server/openpgp/filter.ts';
import { certificateKeyIds } from '../../server/openpgp/keyids.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { readCertificates } from '../../server/openpgp/read.ts';
import type { CleanCertificate } from '../../server/openpgp/types.ts';
import { expectCertificateError, generate, packetsOf, Tag } from './helpers.ts';

let clean: CleanCertificate;
let v6: CleanCertificate;
let publicKey: openpgp.PublicKey;

const ADDRESSES = ['alice@example.org', 'alice@work.example', 'secret.alias@example.net'];

beforeAll(async () => {
  const key = await generate('curve25519', [
    { name: 'Alice', email: 'alice@example.org' },
    { name: 'Alice at Work', email: 'alice@work.example' },
    { name: 'Alice (old name)', email: 'ALICE@example.org' },
    { name: 'Hidden Alias', email: 'secret.alias@example.net' },
  ], { subkeys: [{}, { sign: true }] });
  publicKey = key.publicKey;
  clean = await loadCertificate(key.binary);
  v6 = await loadCertificate((await generate('v6', [{ email: 'six@example.org' }, { email: 'other-six@example.org' }])).binary);
});

const userIdsIn = async (binary: Uint8Array) => (await openpgp.readKey({ binaryKey: binary })).getUserIDs().sort();

describe('certificateForAddress', () => {
  it('serves only the user IDs carrying that address, with all subkeys', async () => {
    const served = certificateForAddress(clean, 'alice@example.org');
    expect(await userIdsIn(served)).toEqual(['Alice (old name) <ALICE@example.org>', 'Alice <alice@example.org>']);
    const text = Buffer.from(served);
    expect(text.includes(Buffer.from('work.example'))).toBe(false);
    expect(text.includes(Buffer.from('secret.alias'))).toBe(false);
    const key = await openpgp.readKey({ binaryKey: served });
    await key.verifyPrimaryKey();
    expect(key.subkeys.map((s) => s.getFingerprint()).sort()).toEqual(publicKey.subkeys.map((s) => s.getFingerprint()).sort());
    expect(key.getFingerprint()).toBe(publicKey.getFingerprint());
  });

  it('normalizes the address asked for', async () => {
    expect(certificateForAddress(clean, '  Alice@EXAMPLE.org ')).toEqual(certificateForAddress(clean, 'alice@example.org'));
  });

  it('gives identical bytes every time, and different bytes per address', () => {
    const a = certificateForAddress(clean, 'alice@work.example');
    const b = certificateForAddress(clean, 'alice@work.example');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(certificateForAddress(clean, 'alice@example.org')).not.toEqual(a);
  });

  it('refuses an address the certificate does not carry, or a malformed one', async () => {
    await expectCertificateError(Promise.resolve().then(() => certificateForAddress(clean, 'bob@example.org')), 'address-not-found');
    await expectCertificateError(Promise.resolve().then(() => certificateForAddress(clean, 'not an address')), 'address-not-found');
  });

  it('reads back as the same cleaned certificate minus the other user IDs', async () => {
    const served = certificateForAddress(v6, 'six@example.org');
    const again = await loadCertificate(served);
    expect(again.binary).toEqual(served);
    expect(again.addresses).toEqual(['six@example.org']);
    expect(again.version).toBe(6);
  });
});

describe('certificateWithAddresses', () => {
  it('keeps only the given (verified) addresses', async () => {
    const served = certificateWithAddresses(clean, ['alice@work.example', 'Secret.Alias@example.net', 'nobody@example.org']);
    expect(await userIdsIn(served)).toEqual(['Alice at Work <alice@work.example>', 'Hidden Alias <secret.alias@example.net>']);
    expect(certificateWithAddresses(clean, ADDRESSES)).toEqual(clean.binary);
  });

  it('with no verified address serves the primary key and subkeys alone', () => {
    const served = certificateWithAddresses(clean, []);
    const tags = packetsOf(served).map((p) => p.tag);
    expect(tags.includes(Tag.userId)).toBe(false);
    expect(tags.filter((t) => t === Tag.publicSubkey)).toHaveLength(2);
  });
});

describe('armorCertificate', () => {
  it('armors deterministically, with a checksum for v4 and none for v6', async () => {
    const armored = armorCertificate(clean.binary);
    expect(armored).toBe(armorCertificate(clean.binary));
    expect(armored).toBe(clean.armored);
    expect(armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n/);
    expect(armored).toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----\n$/);
    expect(armorCertificate(v6.binary)).not.toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END/);
    const [read] = await readCertificates(armored);
    expect(read.primary.body).toEqual(packetsOf(clean.binary)[0].body);
  });
});

describe('certificateKeyIds', () => {
  it('lists the primary key and every subkey, fingerprints and key IDs', () => {
    const ids = certificateKeyIds(clean);
    expect(ids[0]).toEqual({ fingerprint: publicKey.getFingerprint().toUpperCase(), keyId: publicKey.getKeyID().toHex().toUpperCase(), primary: true });
    const subkeyIds = publicKey.subkeys.map((s) => ({ fingerprint: s.getFingerprint().toUpperCase(), keyId: s.getKeyID().toHex().toUpperCase(), primary: false }));
    expect(ids.slice(1)).toHaveLength(2);
    expect(ids.slice(1)).toEqual(expect.arrayContaining(subkeyIds));
    for (const id of ids) {
      expect(id.fingerprint).toMatch(/^[0-9A-F]{40}$/);
      expect(id.fingerprint.endsWith(id.keyId)).toBe(true);
    }
  });

  it('derives v6 key IDs from the start of the 64-character fingerprint', () => {
    for (const id of certificateKeyIds(v6)) {
      expect(id.fingerprint).toMatch(/^[0-9A-F]{64}$/);
      expect(id.fingerprint.startsWith(id.keyId)).toBe(true);
    }
  });
});
