// The fingerprint of an OpenPGP certificate's primary key, from the first packet alone
// (RFC 9580 5.5.4): v4 = SHA-1(0x99 || u16 length || key packet body), v6 = SHA-256(0x9B ||
// u32 length || body). Enough for a monitor to tell whether a bound certificate belongs to
// the owner's key; it does not check any signature (that stays with OpenPGP clients).
// Other versions (v3, the LibrePGP v5) are a FormatError 'bad-certificate'.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexDecode, hexEncode } from './bytes.ts';
import { FormatError } from '../errors.ts';

const PUBLIC_KEY_TAG = 6;

function bad(why: string): never {
  throw new FormatError('bad-certificate', `certificate: ${why}`);
}

/** The body of the first packet, which must be a public-key packet. */
export function primaryKeyPacket(cert: Uint8Array): Uint8Array {
  if (!(cert instanceof Uint8Array) || cert.length < 2) bad('too short');
  const b = cert[0];
  if ((b & 0x80) === 0) bad('not an OpenPGP packet (bit 7 of the first octet is clear)');
  let tag: number;
  let length: number;
  let o = 1;
  if (b & 0x40) {
    tag = b & 0x3f;
    const l0 = cert[o++];
    if (l0 < 192) length = l0;
    else if (l0 < 224) {
      if (o >= cert.length) bad('truncated packet length');
      length = ((l0 - 192) << 8) + cert[o++] + 192;
    } else if (l0 === 255) {
      if (o + 4 > cert.length) bad('truncated packet length');
      length = ((cert[o] << 24) | (cert[o + 1] << 16) | (cert[o + 2] << 8) | cert[o + 3]) >>> 0;
      o += 4;
    } else bad('partial body length on a key packet');
  } else {
    tag = (b >> 2) & 0x0f;
    const lengthType = b & 0x03;
    if (lengthType === 3) bad('indeterminate length on a key packet');
    const n = 1 << lengthType;
    if (o + n > cert.length) bad('truncated packet length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + cert[o + i];
    o += n;
  }
  if (tag !== PUBLIC_KEY_TAG) bad(`the first packet has tag ${tag}, not a public key (6)`);
  if (o + length > cert.length) bad('truncated public key packet');
  if (length < 1) bad('empty public key packet');
  return cert.subarray(o, o + length);
}

export interface PrimaryKeyFingerprint {
  version: 4 | 6;
  fingerprint: Uint8Array;
}

export function primaryKeyFingerprint(cert: Uint8Array): PrimaryKeyFingerprint {
  const body = primaryKeyPacket(cert);
  const version = body[0];
  const n = body.length;
  if (version === 4) {
    if (n > 0xffff) bad('v4 key packet too long');
    return { version, fingerprint: sha1(concatBytes(new Uint8Array([0x99, n >> 8, n & 0xff]), body)) };
  }
  if (version === 6) {
    const header = new Uint8Array([0x9b, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    return { version, fingerprint: sha256(concatBytes(header, body)) };
  }
  bad(`unsupported key version ${version} (only v4 and v6 fingerprints are computed)`);
}

/** Parses a fingerprint written in hex (spaces and colons allowed): 40 digits v4, 64 digits v6. */
export function parseFingerprint(text: string): Uint8Array {
  const hex = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex))
    throw new FormatError('bad-fingerprint', `fingerprint ${JSON.stringify(text)}: expected 40 (v4) or 64 (v6) hex digits`);
  return hexDecode(hex.toLowerCase());
}

export function formatFingerprint(fingerprint: Uint8Array): string {
  return hexEncode(fingerprint).toUpperCase();
}
