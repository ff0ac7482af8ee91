// WKD local-part hash: the draft's example, z-base-32 itself, and agreement with GnuPG's
// gpg-wks-client --print-wkd-hash where it is installed.
import { existsSync } from 'node:fs';
import { sha1 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { wkdHash, zBase32 } from '../../server/openpgp/wkd-hash.ts';
import { run } from './helpers.ts';

const WKS_CLIENT = ['/usr/lib/gnupg/gpg-wks-client', '/usr/libexec/gpg-wks-client', '/usr/bin/gpg-wks-client'].find((p) => existsSync(p));

describe('wkdHash', () => {
  it('matches the example of draft-koch-openpgp-webkey-service', () => {
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(wkdHash('joe.doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  it('is 32 z-base-32 characters of the SHA-1 of the ASCII-lowercased local part', () => {
    for (const local of ['a', 'Alice', 'x'.repeat(64), "o'neil+tag"]) {
      const h = wkdHash(local);
      expect(h).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/);
      expect(h).toBe(zBase32(sha1(new TextEncoder().encode(local.toLowerCase()))));
    }
    expect(wkdHash('Alice')).not.toBe(wkdHash('Alic'));
  });

  it('encodes z-base-32 bit by bit (RFC-style test strings from the z-base-32 spec)', () => {
    expect(zBase32(new Uint8Array())).toBe('');
    expect(zBase32(Uint8Array.of(0x00))).toBe('yy');
    expect(zBase32(Uint8Array.of(0xff))).toBe('9h');
    expect(zBase32(Uint8Array.of(0xf0, 0xbf, 0xc7))).toBe('6n9hq');
    expect(zBase32(Uint8Array.of(0xd4, 0x7a, 0x04))).toBe('4t7ye');
  });

  it.skipIf(!WKS_CLIENT)('agrees with gpg-wks-client --print-wkd-hash', async () => {
    const locals = ['Joe.Doe', 'alice', 'Bob.Smith+keys', 'UPPER', 'a.b-c_d'];
    for (const local of locals) {
      const out = await run(WKS_CLIENT!, ['--print-wkd-hash', `${local}@Example.org`]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout.trim().split(' ')[0]).toBe(wkdHash(local));
    }
  });
});
