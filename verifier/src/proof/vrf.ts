// VRF verification for c2sp.org/vrf-r255 (ECVRF-RISTRETTO255-SHA512): checks an 80-byte
// proof pi for input alpha under a 32-byte public key and returns the 64-byte output beta.
import { FormatError, ProofError } from '../errors.ts';
import {
  challengeGeneration,
  encodeToCurve,
  gammaToHash,
  RistrettoPoint,
  stringToInt,
  VRF_C_LEN,
  VRF_PROOF_SIZE,
  VRF_PT_LEN,
  VRF_PUBLIC_KEY_SIZE,
  VRF_Q,
} from './vrf-suite.ts';

export { VRF_OUTPUT_SIZE, VRF_PROOF_SIZE, VRF_PUBLIC_KEY_SIZE } from './vrf-suite.ts';

function decodePoint(bytes: Uint8Array): RistrettoPoint | undefined {
  try {
    return RistrettoPoint.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

/** string_to_point of PK plus ECVRF_validate_key (not the identity). FormatError 'vrf-key' otherwise. */
export function vrfDecodePublicKey(publicKey: Uint8Array): RistrettoPoint {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== VRF_PUBLIC_KEY_SIZE)
    throw new FormatError('vrf-key', `VRF public key: expected ${VRF_PUBLIC_KEY_SIZE} bytes`);
  const y = decodePoint(publicKey);
  if (y === undefined) throw new FormatError('vrf-key', 'VRF public key: not a canonical ristretto255 encoding');
  if (y.equals(RistrettoPoint.ZERO)) throw new FormatError('vrf-key', 'VRF public key: the identity element');
  return y;
}

interface DecodedProof {
  gamma: RistrettoPoint;
  c: bigint;
  s: bigint;
}

/** ECVRF_decode_proof: Gamma must decode, s must be below q. FormatError 'vrf' otherwise. */
function decodeProof(pi: Uint8Array): DecodedProof {
  if (!(pi instanceof Uint8Array) || pi.length !== VRF_PROOF_SIZE)
    throw new FormatError('vrf', `VRF proof: expected ${VRF_PROOF_SIZE} bytes`);
  const gamma = decodePoint(pi.subarray(0, VRF_PT_LEN));
  if (gamma === undefined) throw new FormatError('vrf', 'VRF proof: Gamma is not a canonical ristretto255 encoding');
  const c = stringToInt(pi.subarray(VRF_PT_LEN, VRF_PT_LEN + VRF_C_LEN));
  const s = stringToInt(pi.subarray(VRF_PT_LEN + VRF_C_LEN));
  if (s >= VRF_Q) throw new FormatError('vrf', 'VRF proof: s is not reduced modulo q');
  return { gamma, c, s };
}

/**
 * ECVRF_proof_to_hash: beta from pi WITHOUT verifying it. Only for proofs just made by
 * the prover or already checked with vrfVerify.
 */
export function vrfProofToHash(proof: Uint8Array): Uint8Array {
  return gammaToHash(decodeProof(proof).gamma);
}

/**
 * ECVRF_verify with validate_key = TRUE. Returns beta (64 bytes) for a valid proof; throws
 * FormatError 'vrf-key' for a bad key, FormatError 'vrf' for a malformed proof and
 * ProofError 'vrf' for a proof that does not verify for this key and alpha.
 */
export function vrfVerify(publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): Uint8Array {
  const y = vrfDecodePublicKey(publicKey);
  if (!(alpha instanceof Uint8Array)) throw new FormatError('vrf', 'VRF input: expected bytes');
  const { gamma, c, s } = decodeProof(proof);
  const h = encodeToCurve(publicKey, alpha);
  // U = s*B - c*Y, V = s*H - c*Gamma (all public values: variable-time is fine).
  const u = RistrettoPoint.BASE.multiplyUnsafe(s).subtract(y.multiplyUnsafe(c));
  const v = h.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  const cPrime = challengeGeneration([y, h, gamma, u, v]);
  if (cPrime !== c) throw new ProofError('vrf', 'VRF proof does not verify for this key and input');
  return gammaToHash(gamma);
}
