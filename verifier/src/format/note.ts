// Signed notes, c2sp.org/signed-note v1.0.0, with golang.org/x/mod/sumdb/note's behaviour:
// text ending in newline, a blank line, then 1..100 lines "— <name> base64(keyID || sig)".
// Errors: syntax -> FormatError 'malformed-note'; a known key's signature that fails ->
// SignatureError 'invalid-signature'; no known key's signature -> SignatureError
// 'no-verifiable-signatures'; two different verifiers for one (name, key ID) -> PolicyError
// 'ambiguous-verifier'.
import { base64Decode, base64Encode, bytesEqual, concatBytes, utf8Encode } from './bytes.ts';
import { FormatError, PolicyError, SignatureError } from '../errors.ts';
import { isCosignatureVerifier, isValidKeyName, keyIdBytes, keyIdHex, type NoteVerifier } from './note-key.ts';

/** Most signature lines a note may carry (as Go's sumdb/note). */
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 ';
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ASCII_CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;

/** One signature line: key name, key ID (uint32) and the signature bytes after the key ID. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

/** A verified signature; `timestamp` is set for cosignature/v1 (type 0x04) signatures. */
export interface VerifiedSignature extends NoteSignature {
  type: number;
  timestamp?: number;
}

export interface ParsedNote {
  /** The note text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifiedNote {
  text: string;
  verified: VerifiedSignature[];
  unverified: NoteSignature[];
}

function malformed(why: string): FormatError {
  return new FormatError('malformed-note', `malformed note: ${why}`);
}

/** Checks that a note (or note text) is valid UTF-8 without ASCII control characters but newline. */
export function noteString(input: string | Uint8Array): string {
  let s: string;
  if (typeof input === 'string') {
    if (LONE_SURROGATE.test(input)) throw malformed('not valid Unicode');
    s = input;
  } else {
    try {
      s = STRICT_UTF8.decode(input);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  if (ASCII_CONTROL_EXCEPT_NEWLINE.test(s)) throw malformed('contains a control character');
  return s;
}

/** Parses one signature line (without its newline). */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) throw malformed('signature line does not start with "— "');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('signature line has no signature');
  const name = rest.slice(0, space);
  const b64 = rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  let raw: Uint8Array;
  try {
    raw = base64Decode(b64, 'signature');
  } catch {
    throw malformed(`signature of ${name} is not base64`);
  }
  if (raw.length < 5) throw malformed(`signature of ${name} is too short`);
  const keyId = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
  return { name, keyId, signature: raw.slice(4) };
}

/** Formats one signature line, with its final newline. */
export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new FormatError('bad-key-name', `invalid key name ${JSON.stringify(sig.name)}`);
  if (sig.signature.length === 0) throw new FormatError('bad-signature', 'empty signature');
  return `${SIG_PREFIX}${sig.name} ${base64Encode(concatBytes(keyIdBytes(sig.keyId), sig.signature))}\n`;
}

/** Splits a signed note into text and signature lines, without verifying anything. */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const s = noteString(note);
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block.length === 0) throw malformed('no signatures');
  if (!block.endsWith('\n')) throw malformed('does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  return a.name === b.name && a.keyId === b.keyId && bytesEqual(a.signature, b.signature);
}

function sameVerifier(a: NoteVerifier, b: NoteVerifier): boolean {
  return a.type === b.type && bytesEqual(a.publicKey, b.publicKey);
}

/**
 * Opens a signed note: every line whose (name, key ID) matches a verifier must verify;
 * identical lines are kept once; at least one signature must verify.
 */
export function verifyNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const k = `${v.name}+${keyIdHex(v.keyId)}`;
    const prev = known.get(k);
    if (prev && !sameVerifier(prev, v)) throw new PolicyError('ambiguous-verifier', `two different keys named ${k}`);
    known.set(k, v);
  }
  const parsed = parseNote(note);
  const msg = utf8Encode(parsed.text);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    const v = known.get(`${sig.name}+${keyIdHex(sig.keyId)}`);
    if (!v) {
      if (!unverified.some((u) => sameSignature(u, sig))) unverified.push(sig);
      continue;
    }
    if (verified.some((u) => sameSignature(u, sig))) continue;
    let timestamp: number | null | undefined;
    if (isCosignatureVerifier(v)) timestamp = v.verifyTimestamp(msg, sig.signature);
    else timestamp = v.verify(msg, sig.signature) ? undefined : null;
    if (timestamp === null)
      throw new SignatureError('invalid-signature', `invalid signature for key ${sig.name}+${keyIdHex(sig.keyId)}`);
    verified.push(timestamp === undefined ? { ...sig, type: v.type } : { ...sig, type: v.type, timestamp });
  }
  if (verified.length === 0) throw new SignatureError('no-verifiable-signatures', 'note has no verifiable signatures');
  return { text: parsed.text, verified, unverified };
}

