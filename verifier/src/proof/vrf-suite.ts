// The ECVRF-RISTRETTO255-SHA512 ciphersuite of c2sp.org/vrf-r255 (ECVRF as in
// draft-irtf-cfrg-vrf-11 / RFC 9381): the building blocks shared by prove (log/vrf.ts)
// and verify (vrf.ts). Group and hash are @noble's ristretto255 and SHA-512.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../format/bytes.ts';

export const RistrettoPoint: typeof ristretto255.Point = ristretto255.Point;
export type RistrettoPoint = typeof ristretto255.Point.BASE;

/** suite_string = 0xFF || "c2sp.org/vrf-r255". */
export const VRF_SUITE_STRING: Uint8Array = concatBytes(new Uint8Array([0xff]), utf8Encode('c2sp.org/vrf-r255'));
/** ptLen = qLen = 32, cLen = 16, hLen = 64. */
export const VRF_PT_LEN = 32;
export const VRF_Q_LEN = 32;
export const VRF_C_LEN = 16;
export const VRF_PUBLIC_KEY_SIZE = VRF_PT_LEN;
export const VRF_SECRET_KEY_SIZE = VRF_Q_LEN;
export const VRF_PROOF_SIZE = VRF_PT_LEN + VRF_C_LEN + VRF_Q_LEN; // 80
export const VRF_OUTPUT_SIZE = 64;

/** q, the order of the ristretto255 group. */
export const VRF_Q: bigint = ristretto255.Point.Fn.ORDER;

const ONE_BYTE = (b: number): Uint8Array => new Uint8Array([b]);

/** int_to_string: little-endian, fixed length. */
export function intToString(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`intToString: integer does not fit in ${length} bytes`);
  return out;
}

/** string_to_int: little-endian. */
export function stringToInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** ECVRF_encode_to_curve: H = ristretto255_one_way_map(Hash(suite || 0x82 || salt || alpha)). */
export function encodeToCurve(encodeToCurveSalt: Uint8Array, alphaString: Uint8Array): RistrettoPoint {
  const hashString = sha512(concatBytes(VRF_SUITE_STRING, ONE_BYTE(0x82), encodeToCurveSalt, alphaString));
  return ristretto255_hasher.deriveToCurve!(hashString);
}

/** ECVRF_challenge_generation(P1..P5): first cLen bytes of Hash(suite || 0x02 || P1..P5 || 0x00), as an integer. */
export function challengeGeneration(points: readonly RistrettoPoint[]): bigint {
  const encoded = points.map((p) => p.toBytes());
  const cString = sha512(concatBytes(VRF_SUITE_STRING, ONE_BYTE(0x02), ...encoded, ONE_BYTE(0x00)));
  return stringToInt(cString.subarray(0, VRF_C_LEN));
}

/** ECVRF_proof_to_hash given Gamma (cofactor 1): beta = Hash(suite || 0x03 || Gamma || 0x00). */
export function gammaToHash(gamma: RistrettoPoint): Uint8Array {
  return sha512(concatBytes(VRF_SUITE_STRING, ONE_BYTE(0x03), gamma.toBytes(), ONE_BYTE(0x00)));
}

/** pi = point_to_string(Gamma) || int_to_string(c, cLen) || int_to_string(s, qLen). */
export function encodeProof(gamma: RistrettoPoint, c: bigint, s: bigint): Uint8Array {
  return concatBytes(gamma.toBytes(), intToString(c, VRF_C_LEN), intToString(s, VRF_Q_LEN));
}
