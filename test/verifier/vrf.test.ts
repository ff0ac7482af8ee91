// vrfVerify against the c2sp.org/vrf-r255 test vector: returns beta, rejects every changed byte.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { FormatError, hexDecode, hexEncode, ProofError, VerificationError, vrfProofToHash, vrfVerify } from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const v = (readVectorJson('vrf/vrf-r255.json').vectors as Record<string, string>[])[0];
const pk = hexDecode(v.PK);
const alpha = hexDecode(v.alpha);
const pi = hexDecode(v.pi);
const q = ristretto255.Point.Fn.ORDER;

function leBytes(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function expectVrfError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerificationError);
    expect((e as VerificationError).code).toMatch(/^vrf/);
    return;
  }
  expect.fail('accepted');
}

test('verify returns beta of the spec vector', () => {
  expect(hexEncode(vrfVerify(pk, alpha, pi))).toBe(v.beta);
  expect(hexEncode(vrfProofToHash(pi))).toBe(v.beta);
});

test('every single changed byte of pi is rejected', () => {
  for (let i = 0; i < pi.length; i++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const bad = pi.slice();
      bad[i] ^= mask;
      expectVrfError(() => vrfVerify(pk, alpha, bad));
    }
  }
});

test('random changes of pi, alpha or key are rejected', () => {
  fc.assert(
    fc.property(fc.nat(79), fc.integer({ min: 1, max: 255 }), (i, mask) => {
      const bad = pi.slice();
      bad[i] ^= mask;
      expectVrfError(() => vrfVerify(pk, alpha, bad));
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (other) => {
      fc.pre(hexEncode(other) !== v.alpha);
      expect(() => vrfVerify(pk, other, pi)).toThrow(ProofError);
    }),
    { numRuns: 30 },
  );
});

test('a wrong alpha is rejected', () => {
  expect(() => vrfVerify(pk, alpha.subarray(1), pi)).toThrow(ProofError);
  expect(() => vrfVerify(pk, new Uint8Array([...alpha, 0]), pi)).toThrow(ProofError);
  const flipped = alpha.slice();
  flipped[0] ^= 0x20;
  expect(() => vrfVerify(pk, flipped, pi)).toThrow(ProofError);
});

test('a wrong key is rejected', () => {
  const other = ristretto255.Point.BASE.multiply(12345n).toBytes();
  expect(() => vrfVerify(other, alpha, pi)).toThrow(ProofError);
  for (let i = 0; i < pk.length; i++) {
    const bad = pk.slice();
    bad[i] ^= 0x04;
    expectVrfError(() => vrfVerify(bad, alpha, pi));
  }
});

test('malformed keys are FormatError vrf-key', () => {
  const identity = new Uint8Array(32);
  const nonCanonical = new Uint8Array(32).fill(0xff);
  for (const bad of [identity, nonCanonical, pk.subarray(1), new Uint8Array([...pk, 0])]) {
    try {
      vrfVerify(bad, alpha, pi);
      expect.fail('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      expect((e as FormatError).code).toBe('vrf-key');
    }
  }
});

test('malformed proofs are FormatError vrf', () => {
  // s + q encodes the same scalar non-canonically: must be rejected (no malleability).
  let s = 0n;
  for (let i = 79; i >= 48; i--) s = (s << 8n) | BigInt(pi[i]);
  const malleated = new Uint8Array([...pi.subarray(0, 48), ...leBytes(s + q, 32)]);
  const nonCanonicalGamma = new Uint8Array([...new Uint8Array(32).fill(0xff), ...pi.subarray(32)]);
  for (const bad of [malleated, nonCanonicalGamma, pi.subarray(0, 79), new Uint8Array([...pi, 0]), new Uint8Array()]) {
    try {
      vrfVerify(pk, alpha, bad);
      expect.fail('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      expect((e as FormatError).code).toBe('vrf');
    }
  }
});
