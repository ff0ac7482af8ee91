// Primary key fingerprints from the first packet, as the monitor computes them for fingerprint
// expectations: equal to OpenPGP.js's for v4 and v6 keys, with new- and old-format packet
// headers; anything that is not a public-key packet of a known version is refused.
import * as openpgp from 'openpgp';
import { expect, test } from 'vitest';
import { formatFingerprint, parseFingerprint, primaryKeyFingerprint, VerificationError } from '@glasskey/verifier';

async function generated(v6: boolean) {
  const { publicKey } = await openpgp.generateKey({
    ...(v6 ? { type: 'curve25519' as const } : { type: 'ecc' as const, curve: 'curve25519Legacy' as const }),
    userIDs: [{ email: 'alice@example.org' }],
    format: 'binary',
    config: { v6Keys: v6 },
  });
  const key = await openpgp.readKey({ binaryKey: publicKey });
  return { bytes: publicKey, fingerprint: key.getFingerprint() };
}

test.each([
  ['v4', false, 4],
  ['v6', true, 6],
])('%s fingerprints equal OpenPGP.js', async (_, v6, version) => {
  for (let i = 0; i < 3; i++) {
    const { bytes, fingerprint } = await generated(v6);
    const got = primaryKeyFingerprint(bytes);
    expect(got.version).toBe(version);
    expect(formatFingerprint(got.fingerprint).toLowerCase()).toBe(fingerprint);
    expect(parseFingerprint(fingerprint.toUpperCase().match(/.{1,4}/g)!.join(' '))).toEqual(got.fingerprint);
  }
});

test('an old-format packet header gives the same fingerprint', async () => {
  const { bytes, fingerprint } = await generated(false);
  expect(bytes[0]).toBe(0xc6); // new format, tag 6
  const length = bytes[1];
  expect(length).toBeLessThan(192);
  const old = new Uint8Array([0x98, length, ...bytes.subarray(2)]); // old format, tag 6, 1-byte length
  expect(formatFingerprint(primaryKeyFingerprint(old).fingerprint).toLowerCase()).toBe(fingerprint);
});

test('not a public key packet, truncated, or another version: refused', async () => {
  const { bytes } = await generated(false);
  const code = (b: Uint8Array) => {
    try {
      primaryKeyFingerprint(b);
      return 'accepted';
    } catch (e) {
      expect(e).toBeInstanceOf(VerificationError);
      return (e as VerificationError).code;
    }
  };
  expect(code(bytes.subarray(0, 20))).toBe('bad-certificate');
  expect(code(new Uint8Array([0xc2, ...bytes.subarray(1)]))).toBe('bad-certificate'); // tag 2: a signature
  const v5 = bytes.slice();
  v5[2] = 5;
  expect(code(v5)).toBe('bad-certificate');
  expect(code(new Uint8Array([0x06, 1, 2]))).toBe('bad-certificate');
  expect(() => parseFingerprint('abc')).toThrow(VerificationError);
});
