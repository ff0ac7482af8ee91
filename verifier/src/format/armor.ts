// OpenPGP ASCII armor (RFC 9580 section 6.2): `-----BEGIN PGP <type>-----`, armor headers,
// a blank line, base64 across lines, an optional `=XXXX` CRC24 line, `-----END PGP <type>-----`.
// Dearmoring is strict: nothing but whitespace around the block, the END line must match the
// BEGIN line, the base64 must be canonical, and a checksum, if present, must match (stricter
// than RFC 9580, which says not to reject on a bad checksum: here the data is hashed and
// compared with the log anyway, so a mismatch only ever means corruption).
import { base64Decode, base64Encode } from './bytes.ts';
import { crc24 } from './crc24.ts';
import { FormatError } from '../errors.ts';

export const ARMOR_TYPES = ['PUBLIC KEY BLOCK', 'PRIVATE KEY BLOCK', 'SIGNATURE', 'MESSAGE'] as const;
export type ArmorType = (typeof ARMOR_TYPES)[number];

export interface Armored {
  type: ArmorType;
  /** Armor headers in order, as [key, value]; informational only, never trusted. */
  headers: [string, string][];
  data: Uint8Array;
}

const LINE_LENGTH = 64;
const HEADER_LINE = /^([\x21-\x39\x3b-\x7e]+): ([\x20-\x7e]*)$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const CHECKSUM_LINE = /^=([A-Za-z0-9+/]{4})$/;

function bad(reason: string): never {
  throw new FormatError('bad-armor', `armor: ${reason}`);
}

function armorType(line: string, kind: 'BEGIN' | 'END'): ArmorType {
  const m = /^-----(BEGIN|END) PGP ([A-Z ]+)-----$/.exec(line);
  if (m === null || m[1] !== kind) bad(`missing or malformed ${kind} line`);
  const type = ARMOR_TYPES.find((t) => t === m[2]);
  if (type === undefined) bad(`unsupported armor type '${m[2]}'`);
  return type;
}

/** Decodes one ASCII-armored block; FormatError 'bad-armor' for anything malformed. */
export function dearmor(text: string): Armored {
  if (typeof text !== 'string') bad('not a string');
  if (/\r(?!\n)/.test(text)) bad('bare carriage return');
  // Lines end in LF or CRLF; trailing spaces and tabs on a line are ignored (RFC 9580 6.2).
  const lines = text
    .replace(/\r\n/g, '\n')
    .replace(/^\s+|\s+$/g, '')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  if (lines.length < 3) bad('too short');
  const type = armorType(lines[0], 'BEGIN');
  if (armorType(lines[lines.length - 1], 'END') !== type) bad('END line does not match BEGIN line');
  let i = 1;
  const last = lines.length - 1;
  const headers: [string, string][] = [];
  for (; i < last && lines[i] !== ''; i++) {
    const m = HEADER_LINE.exec(lines[i]);
    if (m === null) bad('malformed armor header (or missing blank line)');
    headers.push([m[1], m[2]]);
  }
  if (i === last) bad('missing blank line before the data');
  i++;
  let body = '';
  for (; i < last && !lines[i].startsWith('='); i++) {
    if (!BASE64_LINE.test(lines[i])) bad('data line is not base64');
    body += lines[i];
  }
  let checksum: Uint8Array | undefined;
  if (i < last) {
    const m = CHECKSUM_LINE.exec(lines[i]);
    if (m === null) bad('malformed checksum line');
    checksum = base64Decode(m[1]);
    i++;
  }
  if (i !== last) bad('text after the checksum line');
  if (body.length === 0) bad('no data');
  let data: Uint8Array;
  try {
    data = base64Decode(body, 'armor data');
  } catch {
    bad('data is not canonical base64');
  }
  if (checksum !== undefined) {
    const crc = crc24(data);
    if (checksum[0] !== crc >> 16 || checksum[1] !== ((crc >> 8) & 0xff) || checksum[2] !== (crc & 0xff))
      bad('checksum does not match');
  }
  return { type, headers, data };
}

function checksumLine(data: Uint8Array): string {
  const crc = crc24(data);
  return '=' + base64Encode(new Uint8Array([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]));
}

/** Armors data: no headers, 64-column base64, a CRC24 line only if asked (RFC 9580: SHOULD NOT). */
export function enarmor(type: ArmorType, data: Uint8Array, options: { checksum?: boolean } = {}): string {
  if (!ARMOR_TYPES.includes(type)) bad(`unsupported armor type '${String(type)}'`);
  if (!(data instanceof Uint8Array) || data.length === 0) bad('no data');
  const b64 = base64Encode(data);
  let out = `-----BEGIN PGP ${type}-----\n\n`;
  for (let i = 0; i < b64.length; i += LINE_LENGTH) out += b64.slice(i, i + LINE_LENGTH) + '\n';
  if (options.checksum) out += checksumLine(data) + '\n';
  return `${out}-----END PGP ${type}-----\n`;
}
