// Witness cosignatures, c2sp.org/tlog-cosignature cosignature/v1 (signature type 0x04).
// On a note signature line the bytes are keyID(4) || timestamp(u64 BE) || Ed25519 sig(64);
// the note layer strips the key ID, so a cosignature verifier sees the 72-byte
// timestamped_signature and checks Ed25519 over "cosignature/v1\ntime <t>\n" || body.
// Timestamps are unix seconds as JS numbers: anything above 2^53-1 is rejected as malformed
// (the spec's own ceiling is 2^63-1; no honest cosigner gets near either).
import { base64Decode, concatBytes, utf8Encode } from './bytes.ts';
import { FormatError } from '../errors.ts';
import {
  computeKeyId,
  ed25519VerifyStrict,
  isValidEd25519PublicKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  type CosignatureVerifier,
} from './note-key.ts';

/** Length of a timestamped_signature (after the note key ID): u64 timestamp + Ed25519 sig. */
export const COSIGNATURE_LENGTH = 72;

/** The signed message: "cosignature/v1\ntime <t>\n" followed by the checkpoint body. */
export function cosignatureMessage(body: string | Uint8Array, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  const bodyBytes = typeof body === 'string' ? utf8Encode(body) : body;
  return concatBytes(utf8Encode(`cosignature/v1\ntime ${timestamp}\n`), bodyBytes);
}

/** Splits a 72-byte timestamped_signature into its timestamp and Ed25519 signature. */
export function splitCosignature(sig: Uint8Array): { timestamp: number; signature: Uint8Array } {
  if (sig.length !== COSIGNATURE_LENGTH)
    throw new FormatError('bad-cosignature', `cosignature is ${sig.length} bytes, expected ${COSIGNATURE_LENGTH}`);
  let t = 0n;
  for (let i = 0; i < 8; i++) t = (t << 8n) | BigInt(sig[i]);
  if (t > BigInt(Number.MAX_SAFE_INTEGER))
    throw new FormatError('bad-cosignature', `cosignature timestamp ${t} is out of range`);
  return { timestamp: Number(t), signature: sig.slice(8) };
}

/** Encodes a timestamped_signature: u64 big-endian timestamp || 64-byte Ed25519 signature. */
export function joinCosignature(timestamp: number, signature: Uint8Array): Uint8Array {
  checkTimestamp(timestamp);
  if (signature.length !== 64) throw new FormatError('bad-cosignature', 'Ed25519 signature must be 64 bytes');
  const out = new Uint8Array(COSIGNATURE_LENGTH);
  let t = BigInt(timestamp);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(t & 255n);
    t >>= 8n;
  }
  out.set(signature, 8);
  return out;
}

/**
 * Reads key ID and timestamp from the base64 of a whole cosignature note signature
 * (keyID || timestamp || sig, 76 bytes). Does NOT verify anything.
 */
export function cosignatureTimestamp(noteSignatureBase64: string): { keyId: number; timestamp: number } {
  const raw = base64Decode(noteSignatureBase64, 'cosignature');
  if (raw.length !== 4 + COSIGNATURE_LENGTH)
    throw new FormatError('bad-cosignature', `cosignature is ${raw.length} bytes, expected ${4 + COSIGNATURE_LENGTH}`);
  const keyId = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
  return { keyId, timestamp: splitCosignature(raw.subarray(4)).timestamp };
}

/** A type 0x04 verifier for a witness named `name` with Ed25519 key `publicKey`. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): CosignatureVerifier {
  if (!isValidEd25519PublicKey(publicKey)) throw new FormatError('bad-public-key', `${name}: not an Ed25519 public key`);
  const key = publicKey.slice();
  const verifyTimestamp = (msg: Uint8Array, sig: Uint8Array): number | null => {
    let parts: { timestamp: number; signature: Uint8Array };
    try {
      parts = splitCosignature(sig);
    } catch {
      return null;
    }
    const signed = cosignatureMessage(msg, parts.timestamp);
    return ed25519VerifyStrict(parts.signature, signed, key) ? parts.timestamp : null;
  };
  return Object.freeze({
    name,
    keyId: computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, key),
    type: SIGNATURE_TYPE_COSIGNATURE_V1,
    publicKey: key,
    verify: (msg: Uint8Array, sig: Uint8Array) => verifyTimestamp(msg, sig) !== null,
    verifyTimestamp,
  });
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new FormatError('bad-cosignature', `cosignature timestamp ${timestamp} is not a non-negative safe integer`);
}
