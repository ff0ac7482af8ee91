// VRF prover (log/vrf.ts) against the c2sp.org/vrf-r255 test vector, intermediate values included.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { FormatError, hexDecode, hexEncode, vrfVerify } from '@glasskey/verifier';
import { vrfKeygen, vrfNonceGeneration, vrfProve, vrfPublicKey } from '../../log/vrf.ts';
import { encodeToCurve, intToString, stringToInt } from '../../verifier/src/proof/vrf-suite.ts';
import { readVectorJson } from '../helpers/vectors.ts';

const vectors = readVectorJson('vrf/vrf-r255.json').vectors as Record<string, string>[];

test('the spec vector: PK, H, k_string, k, U, V, pi and beta', () => {
  expect(vectors.length).toBeGreaterThan(0);
  for (const v of vectors) {
    const sk = hexDecode(v.SK);
    const alpha = hexDecode(v.alpha);
    expect(hexEncode(vrfPublicKey(sk))).toBe(v.PK);
    const h = encodeToCurve(hexDecode(v.PK), alpha);
    expect(hexEncode(h.toBytes())).toBe(v.H);
    const { kString, k } = vrfNonceGeneration(sk, h.toBytes());
    expect(hexEncode(kString)).toBe(v.k_string);
    expect(hexEncode(intToString(k, 32))).toBe(v.k);
    expect(hexEncode(ristretto255.Point.BASE.multiply(k).toBytes())).toBe(v.U);
    expect(hexEncode(h.multiply(k).toBytes())).toBe(v.V);
    const { proof, output } = vrfProve(sk, alpha);
    expect(hexEncode(proof)).toBe(v.pi);
    expect(hexEncode(output)).toBe(v.beta);
  }
});

test('keygen makes valid keys whose proofs verify and are deterministic', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (alpha) => {
      const { secretKey, publicKey } = vrfKeygen();
      expect(secretKey.length).toBe(32);
      expect(stringToInt(secretKey)).toBeLessThan(ristretto255.Point.Fn.ORDER);
      expect(vrfPublicKey(secretKey)).toEqual(publicKey);
      const a = vrfProve(secretKey, alpha);
      expect(vrfProve(secretKey, alpha)).toEqual(a);
      expect(a.proof.length).toBe(80);
      expect(vrfVerify(publicKey, alpha, a.proof)).toEqual(a.output);
    }),
    { numRuns: 20 },
  );
});

test('two keys give different outputs for the same input', () => {
  const alpha = new TextEncoder().encode('alice@example.org');
  const a = vrfKeygen();
  const b = vrfKeygen();
  expect(a.secretKey).not.toEqual(b.secretKey);
  expect(vrfProve(a.secretKey, alpha).output).not.toEqual(vrfProve(b.secretKey, alpha).output);
});

test('bad secret keys are rejected with FormatError', () => {
  const q = ristretto255.Point.Fn.ORDER;
  for (const sk of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(32), intToString(q, 32), new Uint8Array(32).fill(255)]) {
    expect(() => vrfPublicKey(sk)).toThrow(FormatError);
    expect(() => vrfProve(sk, new Uint8Array())).toThrow(FormatError);
  }
});
