// The prover side of c2sp.org/vrf-r255 (ECVRF-RISTRETTO255-SHA512): key generation and
// ECVRF_prove. The secret key SK is the scalar x itself, 32 bytes little-endian, 0 < x < q.
import { randomBytes } from '@noble/hashes/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../verifier/src/format/bytes.ts';
import { FormatError } from '../verifier/src/errors.ts';
import {
  challengeGeneration,
  encodeProof,
  encodeToCurve,
  gammaToHash,
  intToString,
  RistrettoPoint,
  stringToInt,
  VRF_Q,
  VRF_SECRET_KEY_SIZE,
  VRF_SUITE_STRING,
} from '../verifier/src/proof/vrf-suite.ts';

export interface VrfKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface VrfProof {
  /** pi, 80 bytes. */
  proof: Uint8Array;
  /** beta, 64 bytes. */
  output: Uint8Array;
}

/** Reads SK as the scalar x; anything but 32 bytes encoding 0 < x < q is a FormatError. */
function secretScalar(secretKey: Uint8Array): bigint {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== VRF_SECRET_KEY_SIZE)
    throw new FormatError('vrf-key', `VRF secret key: expected ${VRF_SECRET_KEY_SIZE} bytes`);
  const x = stringToInt(secretKey);
  if (x === 0n || x >= VRF_Q) throw new FormatError('vrf-key', 'VRF secret key: not a scalar in 1..q-1');
  return x;
}

/** A fresh secret key: 64 CSPRNG bytes reduced modulo q (the spec's suggestion), and its public key. */
export function vrfKeygen(): VrfKeyPair {
  let x = 0n;
  while (x === 0n) x = stringToInt(randomBytes(64)) % VRF_Q;
  const secretKey = intToString(x, VRF_SECRET_KEY_SIZE);
  return { secretKey, publicKey: vrfPublicKey(secretKey) };
}

/** PK = point_to_string(x*B). */
export function vrfPublicKey(secretKey: Uint8Array): Uint8Array {
  return RistrettoPoint.BASE.multiply(secretScalar(secretKey)).toBytes();
}

/** ECVRF_nonce_generation: k = string_to_int(Hash(suite || 0x81 || int_to_string(SK, 32) || h_string)) mod q. */
export function vrfNonceGeneration(secretKey: Uint8Array, hString: Uint8Array): { kString: Uint8Array; k: bigint } {
  const x = secretScalar(secretKey);
  const kString = sha512(concatBytes(VRF_SUITE_STRING, new Uint8Array([0x81]), intToString(x, VRF_SECRET_KEY_SIZE), hString));
  return { kString, k: stringToInt(kString) % VRF_Q };
}

/** ECVRF_prove: pi = Gamma || c || s, and beta = proof_to_hash(pi). */
export function vrfProve(secretKey: Uint8Array, alpha: Uint8Array): VrfProof {
  if (!(alpha instanceof Uint8Array)) throw new FormatError('vrf', 'VRF input: expected bytes');
  const x = secretScalar(secretKey);
  const y = RistrettoPoint.BASE.multiply(x);
  const h = encodeToCurve(y.toBytes(), alpha);
  const gamma = h.multiply(x);
  const { k } = vrfNonceGeneration(secretKey, h.toBytes());
  const c = challengeGeneration([y, h, gamma, RistrettoPoint.BASE.multiply(k), h.multiply(k)]);
  const s = (k + c * x) % VRF_Q;
  return { proof: encodeProof(gamma, c, s), output: gammaToHash(gamma) };
}
