// Note keys (c2sp.org/signed-note): signature type bytes, key-name rules, the recommended key
// ID (SHA-256(name || 0x0A || type || public key)[:4]) and the verifier interfaces that
// verifyNote consults. Plain Ed25519 (type 0x01) verifiers are built here; cosignature/v1
// (type 0x04) verifiers are in cosignature.ts.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from './bytes.ts';
import { FormatError } from '../errors.ts';

/** Signature type 0x01: Ed25519 over the note text (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature type 0x04: timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/**
 * A key that can check note signatures. `keyId` is the uint32 that prefixes the signature;
 * `verify` gets the note text bytes and the signature bytes after that 4-byte key ID.
 */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

/** A cosignature/v1 verifier: also returns the signed timestamp of a verified cosignature. */
export interface CosignatureVerifier extends NoteVerifier {
  readonly type: typeof SIGNATURE_TYPE_COSIGNATURE_V1;
  /** The cosignature's timestamp (unix seconds) if it verifies over `msg`, else null. */
  verifyTimestamp(msg: Uint8Array, sig: Uint8Array): number | null;
}

export function isCosignatureVerifier(v: NoteVerifier): v is CosignatureVerifier {
  return v.type === SIGNATURE_TYPE_COSIGNATURE_V1 && typeof (v as CosignatureVerifier).verifyTimestamp === 'function';
}

// Go's unicode.IsSpace set (White_Space property), which signed-note forbids in key names.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// ASCII control characters are forbidden in signed notes anyway; never allow them in names.
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Key names are non-empty and contain no Unicode space, no plus, no control character. */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 && !name.includes('+') && !UNICODE_SPACE.test(name) && !CONTROL.test(name) && !LONE_SURROGATE.test(name)
  );
}

/** key ID = SHA-256(name || 0x0A || type || publicKey)[:4] as a big-endian uint32. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  if (!isValidKeyName(name)) throw new FormatError('bad-key-name', `invalid key name ${JSON.stringify(name)}`);
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new FormatError('bad-key-type', `invalid signature type ${type}`);
  const h = sha256(concatBytes(utf8Encode(name), new Uint8Array([0x0a, type]), publicKey));
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

/** The key ID as the 8 lowercase hex digits used in vkeys. */
export function keyIdHex(keyId: number): string {
  return (keyId >>> 0).toString(16).padStart(8, '0');
}

/** The key ID as the 4 big-endian bytes that prefix a note signature. */
export function keyIdBytes(keyId: number): Uint8Array {
  return new Uint8Array([(keyId >>> 24) & 255, (keyId >>> 16) & 255, (keyId >>> 8) & 255, keyId & 255]);
}

/** Strict RFC 8032 Ed25519 verification (not ZIP-215); malformed input is simply false. */
export function ed25519VerifyStrict(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean {
  if (sig.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(sig, msg, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** True when `publicKey` is 32 bytes that decode (strictly) to an Ed25519 point. */
export function isValidEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  try {
    return ed25519.utils.isValidPublicKey(publicKey, false);
  } catch {
    return false;
  }
}

/** A type 0x01 verifier: Ed25519 over the note text. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  if (!isValidEd25519PublicKey(publicKey)) throw new FormatError('bad-public-key', `${name}: not an Ed25519 public key`);
  const key = publicKey.slice();
  return Object.freeze({
    name,
    keyId: computeKeyId(name, SIGNATURE_TYPE_ED25519, key),
    type: SIGNATURE_TYPE_ED25519,
    publicKey: key,
    verify: (msg: Uint8Array, sig: Uint8Array) => ed25519VerifyStrict(sig, msg, key),
  });
}
