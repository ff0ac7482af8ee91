// Note signing for the log and for witnesses (c2sp.org/signed-note, tlog-cosignature).
// Keys: Ed25519 note keys (type 0x01) and cosignature/v1 keys (type 0x04), stored as the Go
// sumdb/note private key form PRIVATE+KEY+<name>+<hex key ID>+base64(type || 32-byte seed).
// A type 0x04 signer's sign(msg, timestamp) returns the 72-byte timestamped_signature over
// "cosignature/v1\ntime <t>\n" || msg. Ed25519 runs on node:crypto.
import { createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import {
  base64Decode,
  base64Encode,
  computeKeyId,
  concatBytes,
  cosignatureMessage,
  formatSignatureLine,
  formatVkey,
  FormatError,
  isValidKeyName,
  joinCosignature,
  keyIdHex,
  MAX_NOTE_SIGNATURES,
  noteString,
  parseNote,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  type NoteSignature,
} from '@glasskey/verifier';

export type SignerType = typeof SIGNATURE_TYPE_ED25519 | typeof SIGNATURE_TYPE_COSIGNATURE_V1;

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignerType;
  readonly publicKey: Uint8Array;
  /** name+hex(keyID)+base64(type || public key) */
  readonly vkey: string;
  /** PRIVATE+KEY+name+hex(keyID)+base64(type || seed): secret. */
  readonly privateKey: string;
  /**
   * The note signature bytes (after the key ID) over `msg`: a 64-byte Ed25519 signature for
   * type 0x01; timestamp || signature for type 0x04 (timestamp defaults to now, unix seconds).
   */
  sign(msg: Uint8Array, timestamp?: number): Uint8Array;
}

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function ed25519Key(seed: Uint8Array): { key: KeyObject; publicKey: Uint8Array } {
  const key = createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, seed)), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { key, publicKey: new Uint8Array(spki.subarray(spki.length - 32)) };
}

/** A signer from a key name, signature type and 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, type: SignerType, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw new FormatError('bad-key-name', `invalid key name ${JSON.stringify(name)}`);
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1)
    throw new FormatError('unsupported-key-type', `unsupported signature type ${type}`);
  if (seed.length !== 32) throw new FormatError('bad-private-key', 'Ed25519 seed must be 32 bytes');
  const { key, publicKey } = ed25519Key(seed);
  const keyId = computeKeyId(name, type, publicKey);
  const ed = (msg: Uint8Array) => new Uint8Array(cryptoSign(null, msg, key));
  const sign =
    type === SIGNATURE_TYPE_ED25519
      ? (msg: Uint8Array) => ed(msg)
      : (msg: Uint8Array, timestamp: number = Math.floor(Date.now() / 1000)) =>
          joinCosignature(timestamp, ed(cosignatureMessage(msg, timestamp)));
  return Object.freeze({
    name,
    keyId,
    type,
    publicKey,
    vkey: formatVkey({ name, type, publicKey }),
    privateKey: `PRIVATE+KEY+${name}+${keyIdHex(keyId)}+${base64Encode(concatBytes(new Uint8Array([type]), seed))}`,
    sign,
  });
}

/** A fresh random key. */
export function generateSigner(name: string, type: SignerType = SIGNATURE_TYPE_ED25519): NoteSigner {
  return signerFromSeed(name, type, new Uint8Array(randomBytes(32)));
}

/** Parses PRIVATE+KEY+<name>+<hex key ID>+base64(type || seed); the key ID must match. */
export function parsePrivateKey(text: string): NoteSigner {
  const bad = (why: string) => new FormatError('bad-private-key', `private key: ${why}`);
  const parts = text.split('+');
  if (parts.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw bad('expected PRIVATE+KEY+<name>+<key ID>+<key>');
  const name = parts[2];
  const idHex = parts[3];
  const keyB64 = parts.slice(4).join('+');
  if (!isValidKeyName(name)) throw bad(`invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('key ID must be 8 lowercase hex digits');
  let key: Uint8Array;
  try {
    key = base64Decode(keyB64, 'private key');
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (key.length !== 33) throw bad(`key is ${key.length} bytes, expected 33`);
  const type = key[0];
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1)
    throw new FormatError('unsupported-key-type', `private key: unsupported signature type ${type}`);
  const signer = signerFromSeed(name, type, key.subarray(1));
  if (keyIdHex(signer.keyId) !== idHex) throw new FormatError('key-id-mismatch', `private key: key ID ${idHex} does not match the key`);
  return signer;
}

function signatureLines(text: string, signers: readonly NoteSigner[]): { keys: Set<string>; lines: string } {
  const msg = new TextEncoder().encode(text);
  const keys = new Set<string>();
  let lines = '';
  for (const s of signers) {
    const k = `${s.name}+${keyIdHex(s.keyId)}`;
    if (keys.has(k)) throw new FormatError('duplicate-signer', `two signers for ${k}`);
    keys.add(k);
    lines += formatSignatureLine({ name: s.name, keyId: s.keyId, signature: s.sign(msg) });
  }
  return { keys, lines };
}

function checkCount(n: number): void {
  if (n > MAX_NOTE_SIGNATURES) throw new FormatError('malformed-note', `more than ${MAX_NOTE_SIGNATURES} signatures`);
}

/** Signs note text (which must end in a newline) with each signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  noteString(text);
  if (!text.endsWith('\n')) throw new FormatError('malformed-note', 'malformed note: text must end with a newline');
  if (signers.length === 0) throw new FormatError('malformed-note', 'a signed note needs at least one signature');
  checkCount(signers.length);
  return `${text}\n${signatureLines(text, signers).lines}`;
}

/**
 * Adds signatures to a signed note (as Go's note.Sign on an opened note): existing lines are
 * kept in order, except those of the same key name and ID as a new signer, which are replaced;
 * new lines follow. Existing signatures are not verified here.
 */
export function addSignatures(signedNote: string, signers: readonly NoteSigner[]): string {
  const parsed = parseNote(signedNote);
  const { keys, lines } = signatureLines(parsed.text, signers);
  const kept: NoteSignature[] = parsed.signatures.filter((s) => !keys.has(`${s.name}+${keyIdHex(s.keyId)}`));
  checkCount(kept.length + signers.length);
  return `${parsed.text}\n${kept.map(formatSignatureLine).join('')}${lines}`;
}

/** The cosignature line a tlog-witness returns for a checkpoint body ("— <name> <base64>\n"). */
export function cosign(checkpointBody: string, signer: NoteSigner, timestamp: number): string {
  if (signer.type !== SIGNATURE_TYPE_COSIGNATURE_V1)
    throw new FormatError('unsupported-key-type', 'cosign needs a cosignature/v1 (type 0x04) signer');
  noteString(checkpointBody);
  if (!checkpointBody.endsWith('\n')) throw new FormatError('malformed-note', 'checkpoint body must end with a newline');
  const msg = new TextEncoder().encode(checkpointBody);
  return formatSignatureLine({ name: signer.name, keyId: signer.keyId, signature: signer.sign(msg, timestamp) });
}
