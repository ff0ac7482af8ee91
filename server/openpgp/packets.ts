// OpenPGP packet framing (RFC 9580 section 4.2): splits binary data into (tag, body) packets
// and writes packets back with new-format headers. No packet contents are interpreted here;
// secret-key packets are recognized by their header only: their bodies are skipped, never
// returned (read.ts refuses them).
import { CertificateError } from './errors.ts';

export const Tag = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  marker: 10,
  trust: 12,
  userId: 13,
  publicSubkey: 14,
  userAttribute: 17,
  padding: 21,
} as const;

export interface RawPacket {
  readonly tag: number;
  readonly body: Uint8Array;
}

function unreadable(message: string): never {
  throw new CertificateError('unreadable', `not a readable OpenPGP certificate: ${message}`);
}

function readNumber(bytes: Uint8Array, at: number, size: number): number {
  if (at + size > bytes.length) unreadable('a packet header is truncated');
  let n = 0;
  for (let i = 0; i < size; i++) n = n * 256 + bytes[at + i];
  return n;
}

interface Header {
  readonly tag: number;
  readonly start: number;
  readonly length: number;
}

/** Reads the packet header at `at`; throws 'unreadable' when it is malformed or truncated. */
function readHeader(bytes: Uint8Array, at: number): Header {
  const first = bytes[at];
  if ((first & 0x80) === 0) unreadable(`byte ${at} is not a packet header`);
  if (first & 0x40) {
    const tag = first & 0x3f;
    const l0 = readNumber(bytes, at + 1, 1);
    if (l0 < 192) return { tag, start: at + 2, length: l0 };
    if (l0 < 224) return { tag, start: at + 3, length: (l0 - 192) * 256 + readNumber(bytes, at + 2, 1) + 192 };
    if (l0 === 255) return { tag, start: at + 6, length: readNumber(bytes, at + 2, 4) };
    unreadable('partial body lengths are not allowed in certificates');
  }
  const tag = (first >> 2) & 0x0f;
  const lengthType = first & 0x03;
  if (lengthType === 3) return { tag, start: at + 1, length: bytes.length - at - 1 };
  const size = 1 << lengthType;
  return { tag, start: at + 1 + size, length: readNumber(bytes, at + 1, size) };
}

export const isSecretKeyTag = (tag: number | null) => tag === Tag.secretKey || tag === Tag.secretSubkey;

/** The tag a header byte announces, or null if it is no header. */
function peekTag(first: number): number | null {
  if ((first & 0x80) === 0) return null;
  return first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
}

/** Whether the first packet's body starts with a key version number (3 to 6). */
function startsLikeKeyPacket(bytes: Uint8Array): boolean {
  const first = bytes[0];
  const oldLengthBytes = [1, 2, 4, 0][first & 3];
  const headerLength = first & 0x40 ? (bytes[1] < 192 ? 2 : bytes[1] < 224 ? 3 : 6) : 1 + oldLengthBytes;
  const version = bytes[headerLength];
  return version >= 3 && version <= 6;
}

export function refuseSecret(): never {
  throw new CertificateError(
    'secret-key',
    'this is a private key: upload only the public certificate (gpg --export, not --export-secret-keys); nothing was stored',
  );
}

/**
 * Splits binary OpenPGP data into packets. Secret-key packets are returned with an empty
 * body: their contents are skipped, never looked at or kept (read.ts refuses them). Broken
 * framing is 'unreadable', except that broken data starting with a secret-key packet header
 * and a key version (a truncated private key) is 'secret-key'.
 */
export function splitPackets(bytes: Uint8Array): RawPacket[] {
  if (bytes.length === 0) unreadable('no data');
  const packets: RawPacket[] = [];
  let at = 0;
  try {
    while (at < bytes.length) {
      const header = readHeader(bytes, at);
      if (header.tag === 0) unreadable('packet tag 0 is reserved');
      if (header.start + header.length > bytes.length) unreadable('a packet is truncated');
      const body = isSecretKeyTag(header.tag) ? new Uint8Array(0) : bytes.subarray(header.start, header.start + header.length);
      packets.push({ tag: header.tag, body });
      at = header.start + header.length;
    }
  } catch (e) {
    if (isSecretKeyTag(peekTag(bytes[0])) && startsLikeKeyPacket(bytes)) refuseSecret();
    throw e;
  }
  return packets;
}

function lengthHeader(length: number): Uint8Array {
  if (length < 192) return Uint8Array.of(length);
  if (length < 8384) {
    const n = length - 192;
    return Uint8Array.of((n >> 8) + 192, n & 0xff);
  }
  return Uint8Array.of(255, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** One packet with a new-format header (the only form written). */
export function encodePacket(tag: number, body: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(0xc0 | tag), lengthHeader(body.length), body]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order (shorter prefix first): the canonical order of packets. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
