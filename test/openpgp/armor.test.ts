// armorCertificate's own armor writer gives byte for byte what openpgp's armor() writes
// (headers off): every length around the 45-byte line boundary, with and without the CRC-24
// line, and real v4 (checksum) and v6 (none) certificates, which openpgp reads back.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import * as openpgp from 'openpgp';
import { armorCertificate, armorPublicKeyBlock } from '../../server/openpgp/serialize.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { certificateForAddress } from '../../server/openpgp/filter.ts';
import { makeKey } from '../helpers/keys.ts';

const quiet = { ...openpgp.config, showVersion: false, showComment: false };
const reference = (binary: Uint8Array, checksum: boolean) =>
  openpgp.armor(openpgp.enums.armor.publicKey, binary, undefined, undefined, undefined, checksum, quiet) as string;

describe('armorPublicKeyBlock', () => {
  test('equals openpgp armor() for lengths 0..400 and around line boundaries', () => {
    const lengths = [...Array.from({ length: 401 }, (_, i) => i), 4499, 4500, 4501, 45 * 1000, 65536];
    for (const n of lengths) {
      const data = new Uint8Array(randomBytes(n));
      for (const checksum of [true, false]) expect(armorPublicKeyBlock(data, checksum)).toBe(reference(data, checksum));
    }
  });

  test('takes a subarray as it is', () => {
    const backing = randomBytes(500);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, 300);
    expect(armorPublicKeyBlock(view, true)).toBe(reference(new Uint8Array(view), true));
  });
});

describe('armorCertificate', () => {
  test.each([
    ['v4 ed25519Legacy', {}],
    ['v6 ed25519', { type: 'curve25519' as const, v6: true }],
  ])('%s: as openpgp armors it, and readable', async (_name, opts) => {
    const key = await makeKey([{ email: 'alice@example.org' }, { email: 'bob@example.org' }], opts);
    const clean = await loadCertificate(key.armored);
    for (const binary of [clean.binary, certificateForAddress(clean, 'bob@example.org')]) {
      const armored = armorCertificate(binary);
      expect(armored).toBe(reference(binary, clean.version !== 6));
      const read = await openpgp.readKey({ armoredKey: armored });
      expect(read.getFingerprint().toUpperCase()).toBe(clean.fingerprint);
    }
  });
});
