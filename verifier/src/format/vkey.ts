// Verifier keys ("vkeys"): `<name>+<8 hex key ID>+base64(type || public key)`, split on the
// first two '+' only (base64 may contain '+'). Supported types: Ed25519 note signatures
// (0x01) and cosignature/v1 (0x04). Strict: lowercase hex key ID that must equal the
// computed one, canonical base64, a 32-byte public key that decodes to a curve point.
import { base64Decode, base64Encode, concatBytes } from './bytes.ts';
import { cosignatureVerifier } from './cosignature.ts';
import { FormatError } from '../errors.ts';
import {
  computeKeyId,
  ed25519NoteVerifier,
  isValidKeyName,
  keyIdHex,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  type NoteVerifier,
} from './note-key.ts';

/** Parses a vkey into a verifier; every malformed or unsupported key is a FormatError. */
export function parseVkey(vkey: string): NoteVerifier {
  const plus1 = vkey.indexOf('+');
  const plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
  if (plus2 < 0) throw new FormatError('bad-vkey', 'vkey: expected <name>+<key ID>+<key>');
  const name = vkey.slice(0, plus1);
  const idHex = vkey.slice(plus1 + 1, plus2);
  const keyB64 = vkey.slice(plus2 + 1);
  if (!isValidKeyName(name)) throw new FormatError('bad-vkey', `vkey: invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new FormatError('bad-vkey', 'vkey: key ID must be 8 lowercase hex digits');
  const key = base64Decode(keyB64, 'vkey key');
  if (key.length === 0) throw new FormatError('bad-vkey', 'vkey: empty key');
  const type = key[0];
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1)
    throw new FormatError('unsupported-key-type', `vkey: unsupported signature type 0x${type.toString(16).padStart(2, '0')}`);
  const publicKey = key.subarray(1);
  if (publicKey.length !== 32) throw new FormatError('bad-vkey', `vkey: Ed25519 key is ${publicKey.length} bytes, expected 32`);
  if (parseInt(idHex, 16) !== computeKeyId(name, type, publicKey))
    throw new FormatError('key-id-mismatch', `vkey: key ID ${idHex} does not match the key`);
  return type === SIGNATURE_TYPE_ED25519 ? ed25519NoteVerifier(name, publicKey) : cosignatureVerifier(name, publicKey);
}

/** Formats the vkey of a verifier (or of any name, type and public key). */
export function formatVkey(key: { name: string; type: number; publicKey: Uint8Array }): string {
  const id = computeKeyId(key.name, key.type, key.publicKey);
  return `${key.name}+${keyIdHex(id)}+${base64Encode(concatBytes(new Uint8Array([key.type]), key.publicKey))}`;
}
