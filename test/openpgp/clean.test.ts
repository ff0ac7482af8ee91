// cleanCertificate: every supported key kind (openpgp-generated and gpg-generated), what is
// kept and what is dropped, canonical bytes, revocation and expiry, weak keys, limits.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanCertificate } from '../../server/openpgp/clean.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { MAX_ADDRESSES, MAX_CERTIFICATE_BYTES, MAX_SUBKEYS } from '../../server/openpgp/limits.ts';
import { readCertificates } from '../../server/openpgp/read.ts';
import type { CleanCertificate } from '../../server/openpgp/types.ts';
import {
  assemble,
  expectCertificateError,
  generate,
  gnupgHome,
  indexOfTag,
  insertAfter,
  packetsOf,
  selfSignedUserId,
  sign,
  SigType,
  Tag,
  text,
  type KeyKind,
  type RawPacket,
  type TestKey,
} from './helpers.ts';

const KINDS: { kind: KeyKind; version: 4 | 6; algorithm: string; algorithmId: number; bits: number; subkey: string }[] = [
  { kind: 'rsa2048', version: 4, algorithm: 'rsa2048', algorithmId: 1, bits: 2048, subkey: 'rsa2048' },
  { kind: 'rsa3072', version: 4, algorithm: 'rsa3072', algorithmId: 1, bits: 3072, subkey: 'rsa3072' },
  { kind: 'ed25519Legacy', version: 4, algorithm: 'ed25519', algorithmId: 22, bits: 255, subkey: 'cv25519' },
  { kind: 'curve25519', version: 4, algorithm: 'ed25519', algorithmId: 27, bits: 255, subkey: 'x25519' },
  { kind: 'v6', version: 6, algorithm: 'ed25519', algorithmId: 27, bits: 255, subkey: 'x25519' },
  { kind: 'curve448', version: 4, algorithm: 'ed448', algorithmId: 28, bits: 448, subkey: 'x448' },
  { kind: 'nistP256', version: 4, algorithm: 'nistp256', algorithmId: 19, bits: 256, subkey: 'nistp256' },
];

const USER_IDS = [{ name: 'Alice Example', email: 'Alice@Example.ORG' }, { name: 'Just a name' }, { email: 'alice.work@example.net' }];

const keys = new Map<KeyKind, TestKey>();
let alice: TestKey; // ed25519Legacy, the key most tests modify
let mallory: TestKey; // a third party
let gpgKey: { binary: Uint8Array; fingerprint: string };
let gpgDsa: Uint8Array;
const gpg = gnupgHome();

const clean = async (binary: Uint8Array, now?: Date) => cleanCertificate((await readCertificates(binary))[0], now);
const secret = (k: TestKey) => k.privateKey.keyPacket as openpgp.SecretKeyPacket;
const reread = (c: CleanCertificate) => openpgp.readKey({ binaryKey: c.binary });

beforeAll(async () => {
  for (const { kind } of KINDS) keys.set(kind, await generate(kind, USER_IDS));
  alice = keys.get('ed25519Legacy')!;
  mallory = await generate('curve25519', [{ name: 'Mallory', email: 'mallory@example.com' }]);
  await gpg.gpg(['--quick-gen-key', 'Gee Pee <Gee@Example.org>', 'ed25519', 'default', 'never']);
  const fpr = /fpr:+([0-9A-F]{40}):/.exec((await gpg.gpg(['--with-colons', '--list-keys'])).stdout)![1];
  await gpg.gpg(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  await gpg.gpg(['--quick-add-uid', fpr, 'Only A Name']);
  await gpg.gpg(['--quick-add-uid', fpr, 'Gee Work <gee@work.example>']);
  gpgKey = { binary: (await gpg.gpg(['--export', fpr])).stdoutBytes, fingerprint: fpr };
  await gpg.gpg(['--quick-gen-key', 'Old Dsa <dsa@example.org>', 'dsa2048', 'default', 'never']);
  gpgDsa = (await gpg.gpg(['--export', 'dsa@example.org'])).stdoutBytes;
}, 120_000);

afterAll(async () => {
  await gpg.dispose();
});

describe('supported kinds', () => {
  for (const k of KINDS) {
    it(`cleans a ${k.kind} certificate`, async () => {
      const key = keys.get(k.kind)!;
      const c = await clean(key.binary);
      expect(c.fingerprint).toBe(key.publicKey.getFingerprint().toUpperCase());
      expect(c.fingerprint).toHaveLength(k.version === 6 ? 64 : 40);
      expect(c.keyId).toBe(key.publicKey.getKeyID().toHex().toUpperCase());
      expect(c.version).toBe(k.version);
      expect([c.algorithm, c.algorithmId, c.bits]).toEqual([k.algorithm, k.algorithmId, k.bits]);
      expect(c.created.getTime()).toBe(key.publicKey.getCreationTime().getTime());
      expect([c.expires, c.expired, c.revoked]).toEqual([null, false, false]);
      expect(c.subkeys.map((s) => [s.algorithm, s.fingerprint, s.revoked])).toEqual([
        [k.subkey, key.publicKey.subkeys[0].getFingerprint().toUpperCase(), false],
      ]);
      expect(c.addresses).toEqual(['alice.work@example.net', 'alice@example.org']);
      expect(c.userIds.map((u) => u.userId).sort()).toEqual(['<alice.work@example.net>', 'Alice Example <Alice@Example.ORG>']);
      expect(c.dropped.userIdsWithoutAddress).toBe(1);
      // openpgp reads what we serve and finds it valid and usable.
      const served = await reread(c);
      await served.verifyPrimaryKey();
      expect((await served.getEncryptionKey()).getFingerprint()).toBe(key.publicKey.subkeys[0].getFingerprint());
      expect(served.getUserIDs().sort()).toEqual(['<alice.work@example.net>', 'Alice Example <Alice@Example.ORG>']);
      expect(c.armored).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
      expect((await openpgp.readKey({ armoredKey: c.armored })).write()).toEqual(c.binary);
      // Cleaning is idempotent: the cleaned certificate cleans to the same bytes.
      expect((await clean(c.binary)).binary).toEqual(c.binary);
    });
  }

  it('cleans a gpg-generated certificate, and gpg imports the result', async () => {
    const c = await clean(gpgKey.binary);
    expect(c.fingerprint).toBe(gpgKey.fingerprint);
    expect(c.addresses).toEqual(['gee@example.org', 'gee@work.example']);
    expect(c.subkeys.map((s) => s.algorithm)).toEqual(['cv25519']);
    expect(c.dropped.userIdsWithoutAddress).toBe(1);
    const fresh = gnupgHome();
    try {
      const imported = await fresh.gpg(['--import'], c.binary);
      expect(imported.code, imported.stderr).toBe(0);
      const listed = (await fresh.gpg(['--with-colons', '--list-keys', gpgKey.fingerprint])).stdout;
      expect(listed).toContain(`fpr:::::::::${gpgKey.fingerprint}:`);
      expect(listed).toMatch(/^uid:[-u]:.*Gee Pee <Gee@Example.org>/m);
      expect(listed).toMatch(/^sub:[-u]:255:18:/m);
      expect(listed).not.toContain('Only A Name');
      // gpg re-exports exactly what it read (it found nothing to drop).
      const reexported = await fresh.gpg(['--export', '--export-options', 'export-clean', gpgKey.fingerprint]);
      expect((await clean(reexported.stdoutBytes)).binary).toEqual(c.binary);
    } finally {
      await fresh.dispose();
    }
  });
});

describe('canonical bytes', () => {
  it('gives the same bytes whatever the order of user IDs and duplicated packets', async () => {
    const packets = packetsOf(alice.binary);
    const primaryAndSigs = packets.slice(0, indexOfTag(packets, Tag.userId));
    const uidStarts = packets.flatMap((p, i) => (p.tag === Tag.userId ? [i] : []));
    const subkeyAt = indexOfTag(packets, Tag.publicSubkey);
    const groups = uidStarts.map((start, n) => packets.slice(start, uidStarts[n + 1] ?? subkeyAt));
    const subkeys = packets.slice(subkeyAt);
    const shuffled = [...primaryAndSigs, ...subkeys, ...[...groups].reverse().flat(), ...groups[0], ...subkeys];
    const a = await clean(alice.binary);
    const b = await clean(assemble(shuffled));
    expect(b.binary).toEqual(a.binary);
    expect(b.dropped.signatures).toBeGreaterThan(a.dropped.signatures);
  });
});

describe('what is dropped', () => {
  it('drops third-party certifications', async () => {
    const packets = packetsOf(alice.binary);
    const uid = indexOfTag(packets, Tag.userId);
    const certification = await sign(secret(mallory), SigType.certGeneric, {
      key: alice.publicKey.keyPacket,
      userId: packets[uid].body,
    });
    const signed = assemble(insertAfter(packets, uid, [{ tag: Tag.signature, body: certification }]));
    const viaOpenpgp = await openpgp.readKey({ binaryKey: signed });
    expect(viaOpenpgp.users.some((u) => u.otherCertifications.length === 1)).toBe(true);
    const c = await clean(signed);
    expect(c.binary).toEqual((await clean(alice.binary)).binary);
    expect((await reread(c)).users.every((u) => u.otherCertifications.length === 0)).toBe(true);
    expect(c.dropped.signatures).toBe((await clean(alice.binary)).dropped.signatures + 1);
  });

  it('drops user attributes (photo IDs), even self-signed', async () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9);
    const header = Uint8Array.of(0x10, 0x00, 0x01, 0x01, ...new Uint8Array(12));
    const attribute = Uint8Array.of(1 + header.length + jpeg.length, 0x01, ...header, ...jpeg);
    const sig = await sign(secret(alice), SigType.certPositive, { key: alice.publicKey.keyPacket, userAttribute: attribute });
    const packets = packetsOf(alice.binary);
    const withPhoto = assemble(
      insertAfter(packets, indexOfTag(packets, Tag.publicSubkey) - 1, [
        { tag: Tag.userAttribute, body: attribute },
        { tag: Tag.signature, body: sig },
      ]),
    );
    const viaOpenpgp = await openpgp.readKey({ binaryKey: withPhoto });
    expect(viaOpenpgp.users.filter((u) => u.userAttribute !== null)).toHaveLength(1);
    const c = await clean(withPhoto);
    expect(c.dropped.userAttributes).toBe(1);
    expect(c.binary).toEqual((await clean(alice.binary)).binary);
    expect(packetsOf(c.binary).some((p) => p.tag === Tag.userAttribute)).toBe(false);
  });

  it('drops user IDs without exactly one valid address, or with bad bytes, keeping the rest', async () => {
    const bad: (string | Uint8Array)[] = [
      'No Address At All',
      'two@example.org <addresses@example.org>',
      'Name <not-an-address>',
      'Nul\u0000 <nul@example.org>',
      'Injected\r\nBcc: x@example.org <inj@example.org>',
      'Bidi \u202Egro.elpmaxe@ecila <bidi@example.org>',
      Uint8Array.of(0x42, 0xff, 0xfe, 0x20, ...text('<badutf8@example.org>')),
      'Tab\t<tab@example.org>',
      '<a@example.org> <b@example.org>',
    ];
    const packets = packetsOf(alice.binary);
    const extra: RawPacket[] = [];
    for (const uid of bad) extra.push(...(await selfSignedUserId(alice, uid)));
    extra.push(...(await selfSignedUserId(alice, 'Good One (comment) <good@example.org>')));
    const c = await clean(assemble(insertAfter(packets, indexOfTag(packets, Tag.publicSubkey) - 1, extra)));
    expect(c.addresses).toEqual(['alice.work@example.net', 'alice@example.org', 'good@example.org']);
    expect(c.dropped.userIdsWithoutAddress).toBe(1 + bad.length);
    expect(c.userIds.find((u) => u.address === 'good@example.org')?.userId).toBe('Good One (comment) <good@example.org>');
  });

  it('drops user IDs whose self-signature does not verify, and says so', async () => {
    const packets = packetsOf(alice.binary);
    const [uid, sig] = await selfSignedUserId(alice, 'Forged <forged@example.org>');
    const flipped = Uint8Array.from(sig.body);
    flipped[flipped.length - 5] ^= 0x01;
    const withOtherData = (await selfSignedUserId(alice, 'Someone Else <else@example.org>'))[1];
    const extra = [uid, { tag: Tag.signature, body: flipped }, { tag: Tag.userId, body: text('Moved <moved@example.org>') }, withOtherData];
    const c = await clean(assemble(insertAfter(packets, indexOfTag(packets, Tag.publicSubkey) - 1, extra)));
    expect(c.addresses).not.toContain('forged@example.org');
    expect(c.addresses).not.toContain('moved@example.org');
    expect(c.dropped.userIdsWithoutSelfSignature).toBe(2);
  });

  it('strips unhashed subpackets that are not issuer data', async () => {
    const packets = packetsOf(alice.binary);
    const at = indexOfTag(packets, Tag.signature, 0);
    const sig = new openpgp.SignaturePacket();
    sig.read(packets[at].body);
    const junk = { type: 20, critical: false, body: Uint8Array.of(0x80, 0, 0, 0, 0, 4, 0, 4, ...text('junkjunk')) };
    sig.unhashedSubpackets = [...sig.unhashedSubpackets, junk, { type: 100, critical: false, body: new Uint8Array(300) }];
    const tampered = [...packets];
    tampered[at] = { tag: Tag.signature, body: sig.write() };
    expect(tampered[at].body.length).toBeGreaterThan(packets[at].body.length + 300);
    const c = await clean(assemble(tampered));
    expect(c.binary).toEqual((await clean(alice.binary)).binary);
    expect(Buffer.from(c.binary).includes(Buffer.from('junkjunk'))).toBe(false);
  });

  it('drops a subkey whose binding was made by another key', async () => {
    const foreign = packetsOf(mallory.binary);
    const foreignSubkey = foreign.slice(indexOfTag(foreign, Tag.publicSubkey));
    const c = await clean(assemble([...packetsOf(alice.binary), ...foreignSubkey]));
    expect(c.subkeys.map((s) => s.fingerprint)).toEqual([alice.publicKey.subkeys[0].getFingerprint().toUpperCase()]);
    expect(c.dropped.subkeys).toBe(1);
  });

  it('drops a signing subkey without a back-signature; an encryption subkey needs none', async () => {
    const other = await generate('ed25519Legacy', [{ email: 'x@example.org' }]);
    const asSubkey = new openpgp.PublicSubkeyPacket();
    await asSubkey.read(other.publicKey.keyPacket.write());
    const bound = async (keyFlags: number) => {
      const binding = await sign(secret(alice), SigType.subkeyBinding, { key: alice.publicKey.keyPacket, bind: asSubkey }, { props: { keyFlags: [keyFlags] } });
      return clean(assemble([...packetsOf(alice.binary), { tag: Tag.publicSubkey, body: asSubkey.write() }, { tag: Tag.signature, body: binding }]));
    };
    const signing = await bound(0x02);
    expect(signing.subkeys).toHaveLength(1);
    expect(signing.dropped.subkeys).toBe(1);
    const encrypting = await bound(0x0c);
    expect(encrypting.subkeys.map((s) => s.fingerprint)).toContain(other.publicKey.getFingerprint().toUpperCase());
  });

  it('keeps a signing subkey whose back-signature sits in the unhashed area, and drops unhashed junk of others', async () => {
    const key = await generate('ed25519Legacy', [{ email: 'back@example.org' }], { subkeys: [{ sign: true }] });
    const primary = key.publicKey.keyPacket;
    const subSecret = key.privateKey.subkeys[0].keyPacket as unknown as openpgp.SecretSubkeyPacket;
    const subPublic = key.publicKey.subkeys[0].keyPacket as openpgp.PublicSubkeyPacket;
    const backsig = await sign(subSecret, SigType.keyBinding, { key: primary, bind: subPublic });
    const bare = await sign(secret(key), SigType.subkeyBinding, { key: primary, bind: subPublic }, { props: { keyFlags: [0x02] } });
    const withUnhashed = (body: Uint8Array) => {
      const sig = new openpgp.SignaturePacket();
      sig.read(body);
      sig.unhashedSubpackets = [...sig.unhashedSubpackets, { type: 32, critical: false, body: backsig }];
      return sig.write();
    };
    const packets = packetsOf(key.binary);
    const at = indexOfTag(packets, Tag.publicSubkey);
    const build = (binding: Uint8Array) => assemble([...packets.slice(0, at + 1), { tag: Tag.signature, body: binding }]);
    expect((await clean(build(bare))).subkeys).toHaveLength(0);
    const kept = await clean(build(withUnhashed(bare)));
    expect(kept.subkeys).toHaveLength(1);
    expect((await (await reread(kept)).getSigningKey()).getFingerprint()).toBe(subPublic.getFingerprint());
    // On an encryption subkey the same unhashed embedded signature is junk, and is dropped.
    const encPackets = packetsOf(alice.binary);
    const encAt = indexOfTag(encPackets, Tag.publicSubkey);
    const junked = [...encPackets];
    junked[encAt + 1] = { tag: Tag.signature, body: withUnhashed(encPackets[encAt + 1].body) };
    expect((await clean(assemble(junked))).binary).toEqual((await clean(alice.binary)).binary);
  });

  it('keeps signing subkeys with a valid back-signature', async () => {
    const key = await generate('ed25519Legacy', [{ email: 'signer@example.org' }], { subkeys: [{ sign: true }, {}] });
    const c = await clean(key.binary);
    expect(c.subkeys).toHaveLength(2);
    expect((await (await reread(c)).getSigningKey()).getFingerprint()).toBe(key.publicKey.subkeys[0].getFingerprint());
  });
});

describe('signature choice, revocation and expiry', () => {
  it('keeps only the newest valid self-signature, ignoring ones from the future', async () => {
    const key = await generate('ed25519Legacy', [{ email: 'time@example.org' }], { date: new Date(Date.now() - 30 * 86400_000) });
    const packets = packetsOf(key.binary);
    const uid = indexOfTag(packets, Tag.userId);
    const week = 7 * 86400;
    const renewed = await sign(secret(key), SigType.certPositive, { key: key.publicKey.keyPacket, userId: packets[uid].body }, {
      date: new Date(Date.now() - 86400_000),
      props: { keyExpirationTime: 60 * 86400, keyNeverExpires: false, keyFlags: [0x03] },
    });
    const future = await sign(secret(key), SigType.certPositive, { key: key.publicKey.keyPacket, userId: packets[uid].body }, {
      date: new Date(Date.now() + 2 * 86400_000),
      props: { keyExpirationTime: week, keyNeverExpires: false, keyFlags: [0x03] },
    });
    const updated = assemble(insertAfter(packets, uid, [{ tag: Tag.signature, body: future }, { tag: Tag.signature, body: renewed }]));
    const c = await clean(updated);
    const created = key.publicKey.getCreationTime().getTime();
    expect(c.expires?.getTime()).toBe(created + 60 * 86400_000);
    expect(c.expired).toBe(false);
    const uidPackets = packetsOf(c.binary);
    const at = indexOfTag(uidPackets, Tag.userId);
    expect(uidPackets[at + 1]).toEqual({ tag: Tag.signature, body: renewed });
    expect(uidPackets[at + 2].tag).toBe(Tag.publicSubkey);
    // Three days later the future one is the newest valid: a week after creation, long past.
    const later = await clean(updated, new Date(Date.now() + 3 * 86400_000));
    expect(later.expires?.getTime()).toBe(created + week * 1000);
    expect(later.expired).toBe(true);
  });

  it('detects expired certificates', async () => {
    const key = await generate('curve25519', [{ email: 'old@example.org' }], {
      date: new Date(Date.now() - 10 * 86400_000),
      keyExpirationTime: 86400,
    });
    const c = await clean(key.binary);
    expect(c.expired).toBe(true);
    expect(c.expires?.getTime()).toBe(key.publicKey.getCreationTime().getTime() + 86400_000);
    expect(c.addresses).toEqual(['old@example.org']);
    const fresh = await generate('curve25519', [{ email: 'new@example.org' }], { keyExpirationTime: 86400 });
    expect((await clean(fresh.binary)).expired).toBe(false);
  });

  it('detects v6 expiry from the direct-key signature', async () => {
    const key = await generate('v6', [{ email: 'six@example.org' }], { keyExpirationTime: 3600 });
    const c = await clean(key.binary);
    expect(c.expires?.getTime()).toBe(key.publicKey.getCreationTime().getTime() + 3600_000);
    expect(c.parts.signatures).toHaveLength(1);
  });

  it('detects and keeps a key revocation', async () => {
    const { publicKey } = await openpgp.revokeKey({ key: alice.privateKey, format: 'binary' });
    const c = await clean(publicKey);
    expect(c.revoked).toBe(true);
    expect(await (await reread(c)).isRevoked()).toBe(true);
    expect((await clean(alice.binary)).revoked).toBe(false);
  });

  it('ignores a key revocation made by another key', async () => {
    const forged = await sign(secret(mallory), SigType.keyRevocation, { key: alice.publicKey.keyPacket }, {
      props: { reasonForRevocationFlag: 0, reasonForRevocationString: '' },
    });
    const packets = packetsOf(alice.binary);
    const c = await clean(assemble(insertAfter(packets, 0, [{ tag: Tag.signature, body: forged }])));
    expect(c.revoked).toBe(false);
    expect(c.binary).toEqual((await clean(alice.binary)).binary);
  });

  it('detects user ID and subkey revocations', async () => {
    const packets = packetsOf(alice.binary);
    const uid = indexOfTag(packets, Tag.userId);
    const revokeUid = await sign(secret(alice), SigType.certRevocation, { key: alice.publicKey.keyPacket, userId: packets[uid].body }, {
      props: { reasonForRevocationFlag: 32, reasonForRevocationString: 'left' },
    });
    const subkey = indexOfTag(packets, Tag.publicSubkey);
    const revokeSub = await sign(secret(alice), SigType.subkeyRevocation, {
      key: alice.publicKey.keyPacket,
      bind: alice.publicKey.subkeys[0].keyPacket,
    }, { props: { reasonForRevocationFlag: 0, reasonForRevocationString: '' } });
    const withRevocations = insertAfter(insertAfter(packets, subkey, [{ tag: Tag.signature, body: revokeSub }]), uid, [
      { tag: Tag.signature, body: revokeUid },
    ]);
    const c = await clean(assemble(withRevocations));
    const revokedUid = c.userIds.find((u) => u.userId === 'Alice Example <Alice@Example.ORG>')!;
    expect(revokedUid.revoked).toBe(true);
    expect(c.addresses).toEqual(['alice.work@example.net']);
    expect(c.subkeys[0].revoked).toBe(true);
    expect(c.revoked).toBe(false);
    const served = await reread(c);
    expect(served.users.find((u) => u.userID?.userID === revokedUid.userId)!.revocationSignatures).toHaveLength(1);
    expect(served.subkeys[0].revocationSignatures).toHaveLength(1);
  });

  it('accepts SHA-1 self-signatures only from before the cutoff', async () => {
    const key = await generate('rsa2048', [{ email: 'sha1@example.org' }], { date: new Date('2020-01-01T00:00:00Z') });
    const packets = packetsOf(key.binary);
    const primary = packets[0];
    const subkeyPart = packets.slice(indexOfTag(packets, Tag.publicSubkey));
    const at = async (date: string) => {
      const [uid, sig] = await selfSignedUserId(key, `Old <sha1@example.org>`, { date: new Date(date), hash: openpgp.enums.hash.sha1 });
      return clean(assemble([primary, uid, sig, ...subkeyPart]));
    };
    expect((await at('2021-06-01T00:00:00Z')).addresses).toEqual(['sha1@example.org']);
    expect((await at('2024-06-01T00:00:00Z')).addresses).toEqual([]);
  });
});

describe('refused keys', () => {
  it('refuses RSA 1024 as weak', async () => {
    const key = await generate('rsa2048', [{ email: 'small@example.org' }], { rsaBits: 1024, config: { minRSABits: 1024 } });
    const err = await expectCertificateError(clean(key.binary), 'weak-key');
    expect(err.message).toContain('rsa1024');
  });

  it('refuses a gpg-generated DSA key as weak', async () => {
    await expectCertificateError(clean(gpgDsa), 'weak-key');
  });

  it('refuses secp256k1 and unknown algorithms as unsupported', async () => {
    // A P-256 ECDSA key packet with its curve OID swapped for secp256k1's.
    const p256 = packetsOf(keys.get('nistP256')!.binary);
    const oidAt = 6;
    expect(p256[0].body[oidAt]).toBe(8);
    const k1Body = Uint8Array.of(...p256[0].body.subarray(0, oidAt), 5, 0x2b, 0x81, 0x04, 0x00, 0x0a, ...p256[0].body.subarray(oidAt + 9));
    const err = await expectCertificateError(clean(assemble([{ tag: Tag.publicKey, body: k1Body }, ...p256.slice(1)])), 'unsupported');
    expect(err.message).toContain('secp256k1');
    const packets = packetsOf(alice.binary);
    const body = Uint8Array.from(packets[0].body);
    body[5] = 99;
    await expectCertificateError(clean(assemble([{ tag: Tag.publicKey, body }, ...packets.slice(1)])), 'unsupported');
  });
});

describe('limits', () => {
  const withUserIds = async (n: number, name: (i: number) => string) => {
    const packets = packetsOf(alice.binary);
    const extra: RawPacket[] = [];
    for (let i = 0; i < n; i++) extra.push(...(await selfSignedUserId(alice, name(i))));
    return assemble(insertAfter(packets, indexOfTag(packets, Tag.publicSubkey) - 1, extra));
  };

  it(`accepts ${MAX_ADDRESSES} addresses and refuses ${MAX_ADDRESSES + 1}`, async () => {
    // alice already has two addresses.
    const ok = await clean(await withUserIds(MAX_ADDRESSES - 2, (i) => `<n${i}@example.org>`));
    expect(ok.addresses).toHaveLength(MAX_ADDRESSES);
    const err = await expectCertificateError(clean(await withUserIds(MAX_ADDRESSES - 1, (i) => `<n${i}@example.org>`)), 'too-many-addresses');
    expect(err.message).toContain(String(MAX_ADDRESSES));
  });

  it('counts addresses, not user IDs', async () => {
    const c = await clean(await withUserIds(MAX_ADDRESSES + 5, (i) => `Name ${i} <alice@example.org>`));
    expect(c.addresses).toEqual(['alice.work@example.net', 'alice@example.org']);
    expect(c.userIds).toHaveLength(MAX_ADDRESSES + 7);
  });

  it(`accepts ${MAX_SUBKEYS} subkeys and refuses ${MAX_SUBKEYS + 1}`, async () => {
    const many = (n: number) => generate('ed25519Legacy', [{ email: 'subs@example.org' }], { subkeys: Array.from({ length: n }, () => ({})) });
    expect((await clean((await many(MAX_SUBKEYS)).binary)).subkeys).toHaveLength(MAX_SUBKEYS);
    await expectCertificateError(clean((await many(MAX_SUBKEYS + 1)).binary), 'too-many-subkeys');
  });

  it(`refuses a cleaned certificate over ${MAX_CERTIFICATE_BYTES} bytes`, async () => {
    const big = await withUserIds(40, (i) => `${'N'.repeat(1800)}${i} <alice@example.org>`);
    const err = await expectCertificateError(clean(big), 'too-large');
    expect(err.message).toContain(String(MAX_CERTIFICATE_BYTES));
    expect((await clean(await withUserIds(20, (i) => `${'N'.repeat(1800)}${i} <alice@example.org>`))).binary.length).toBeLessThan(
      MAX_CERTIFICATE_BYTES,
    );
  });
});

describe('loadCertificate', () => {
  it('reads and cleans in one step', async () => {
    const c = await loadCertificate(alice.armored);
    expect(c.binary).toEqual((await clean(alice.binary)).binary);
  });
});
