// Turns what an uploader sends into binary OpenPGP data: ASCII armor (one block or several,
// text around them ignored, as gpg does), raw binary, or a string holding base64 of binary
// (the VKS upload allows it). Private-key armor is refused before it is decoded; damaged
// armor (bad base64, wrong checksum, no END line) is 'unreadable'.
import { unarmor, enums } from 'openpgp';
import { armorChecksumMatches } from './armor-checksum.ts';
import { CertificateError } from './errors.ts';
import { MAX_INPUT_BYTES } from './limits.ts';
import { concatBytes, refuseSecret } from './packets.ts';

const BEGIN = '-----BEGIN PGP ';
const BLOCK = /-----BEGIN PGP ([A-Z0-9 ,/]{1,40})-----[\s\S]*?-----END PGP \1-----/g;
const PRIVATE_ARMOR = /-----BEGIN PGP PRIVATE KEY BLOCK-----|-----BEGIN PGP SECRET KEY BLOCK-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function unreadable(message: string): never {
  throw new CertificateError('unreadable', `not a readable OpenPGP certificate: ${message}`);
}

function tooLarge(size: number): never {
  throw new CertificateError('too-large', `input is ${size} bytes, more than the ${MAX_INPUT_BYTES}-byte limit`);
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

async function dearmor(text: string): Promise<Uint8Array> {
  if (PRIVATE_ARMOR.test(text)) refuseSecret();
  const blocks = [...text.matchAll(BLOCK)];
  if (blocks.length === 0 || blocks.length !== count(text, BEGIN))
    unreadable('the armor is truncated (a BEGIN line without its END line)');
  const parts: Uint8Array[] = [];
  for (const block of blocks) {
    if (block[1] !== 'PUBLIC KEY BLOCK') unreadable(`an armored "${block[1]}" is not a certificate`);
    if (!armorLayoutOk(block[0])) unreadable('the armor has a malformed header or checksum line');
    let decoded: Awaited<ReturnType<typeof unarmor>>;
    try {
      decoded = await unarmor(block[0]);
    } catch {
      unreadable('the armor is damaged (bad base64 or checksum)');
    }
    if (decoded.type !== enums.armor.publicKey || !(decoded.data instanceof Uint8Array))
      unreadable('the armor is not a public key block');
    if (!armorChecksumMatches(block[0], decoded.data)) unreadable('the armor checksum does not match (damaged in transit?)');
    parts.push(decoded.data);
  }
  return concatBytes(parts);
}

/**
 * Whether the armor's header lines (between the BEGIN line and the blank line) are all
 * "Key: Value" without control characters, and a checksum line, if any, is "=" and four
 * base64 characters. openpgp only warns about junk there; GnuPG refuses it, and so do we.
 */
function armorLayoutOk(block: string): boolean {
  const lines = block.split('\n').map((l) => l.replace(/\r$/, ''));
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  for (const header of lines.slice(1, Math.max(blank, 1)))
    if (!/^[\x21-\x39\x3b-\x7e]+: [^\x00-\x1f\x7f]*$/.test(header)) return false;
  const beforeEnd = lines[lines.length - 2] ?? '';
  return !/^=[^=]/.test(beforeEnd) || /^=[A-Za-z0-9+/]{4}[ \t]*$/.test(beforeEnd);
}

function fromBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) unreadable('no data');
  if (!BASE64.test(compact) || compact.length % 4 === 1) unreadable('neither armor, binary OpenPGP nor base64');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function looksArmored(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x2d; // '-'
}

/** The binary OpenPGP data in `input`, or a CertificateError saying why there is none. */
export async function decodeInput(input: string | Uint8Array): Promise<Uint8Array> {
  if (typeof input === 'string') {
    if (input.length > MAX_INPUT_BYTES) tooLarge(input.length);
    if (input.includes(BEGIN)) return dearmor(input);
    return fromBase64(input);
  }
  if (!(input instanceof Uint8Array)) unreadable('input is neither text nor bytes');
  if (input.length > MAX_INPUT_BYTES) tooLarge(input.length);
  if (input.length === 0) unreadable('no data');
  if (looksArmored(input)) return dearmor(Buffer.from(input).toString('latin1'));
  if (input[0] & 0x80) return input;
  return fromBase64(Buffer.from(input).toString('latin1'));
}
