// Email address normalization: the one function that decides which strings are the same
// address (DESIGN.md). Output is `local@domain`, ASCII only, lowercase, domain in A-labels.
//
// Rules (each violation is FormatError 'bad-address' with the reason):
// - Leading and trailing spaces and tabs are trimmed; nothing else is. Any other whitespace,
//   any control character (so CR/LF header injection, NUL) and any invisible formatting
//   character (Unicode Cf: soft hyphen, zero-width characters, bidi overrides) is rejected
//   anywhere, rather than silently dropped.
// - ASCII letters are lowercased in the whole address (local part included, by design).
// - Exactly one '@'. The local part is an RFC 5322 dot-atom: atext characters in non-empty
//   dot-separated atoms, at most 64 octets. Quoted local parts ("a b"@x) are rejected: they
//   are rare, give several spellings of one mailbox, and admit spaces and specials.
//   Non-ASCII local parts (RFC 6531) are rejected: there is no agreed case folding or
//   Unicode normalization for them, so one mailbox could get several identities.
// - So display names, comments, angle brackets, groups and lists are all rejected.
// - The domain goes through the WHATWG URL host parser (UTS-46 / IDNA, built into browsers
//   and Node): Unicode labels become punycode A-labels, A-labels given as input are
//   validated, and what the parser rejects is rejected. The result must be LDH labels of
//   1..63 octets, no leading or trailing hyphen, at least two labels, at most 253 octets,
//   and the last label not all digits: IP addresses and address literals ([...]) are rejected.
// - The whole normalized address is at most 254 octets.
// Homographs (a Cyrillic 'а' in the domain) are not rejected: they are different domains and
// normalize to visibly different A-labels (xn--...), so they get different identities.
import { FormatError } from '../errors.ts';

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** Inputs longer than this are rejected before any parsing (no work on huge strings). */
const MAX_INPUT_LENGTH = 1024;

const ATOM = /^[a-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Characters a domain may hold before IDNA: ASCII letters, digits, '-', '.', or non-ASCII. */
const DOMAIN_INPUT = /^[a-z0-9.\-\u0080-\u{10ffff}]+$/u;
const FORBIDDEN_ANYWHERE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\s]/u;

function bad(reason: string): never {
  throw new FormatError('bad-address', `address: ${reason}`);
}

function trimSpaces(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

function asciiLowercase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function normalizeLocalPart(local: string): string {
  if (local.length === 0) bad('empty local part');
  if (local.startsWith('"')) bad('quoted local parts are not supported');
  if (/[^\x00-\x7f]/.test(local)) bad('non-ASCII local parts are not supported');
  if (local.length > MAX_LOCAL_PART_LENGTH) bad(`local part longer than ${MAX_LOCAL_PART_LENGTH} octets`);
  for (const atom of local.split('.')) {
    if (atom.length === 0) bad('leading, trailing or consecutive dot in the local part');
    if (!ATOM.test(atom)) bad('local part is not a dot-atom (display name, comment, quote or special character)');
  }
  return local;
}

/** The domain as A-labels via the URL host parser (UTS-46 processing), then checked as LDH. */
function normalizeDomain(domain: string): string {
  if (domain.length === 0) bad('empty domain');
  if (domain.startsWith('[')) bad('address literals are not supported');
  if (!DOMAIN_INPUT.test(domain)) bad('domain contains a character that is not allowed');
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..'))
    bad('leading, trailing or consecutive dot in the domain');
  let host: string;
  try {
    host = new URL(`http://${domain}/`).hostname;
  } catch {
    bad('domain is not a valid (internationalized) domain name');
  }
  if (host.length > MAX_DOMAIN_LENGTH) bad(`domain longer than ${MAX_DOMAIN_LENGTH} octets`);
  const labels = host.split('.');
  if (labels.length < 2) bad('domain must have at least one dot');
  for (const label of labels) {
    if (label.length === 0) bad('empty label in the domain');
    if (label.length > MAX_LABEL_LENGTH) bad(`domain label longer than ${MAX_LABEL_LENGTH} octets`);
    if (!LDH_LABEL.test(label)) bad('domain label is not letters, digits and inner hyphens');
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) bad('IP addresses are not supported');
  return host;
}

/** Normalizes one email address, or throws FormatError 'bad-address' saying why not. */
export function normalizeAddress(text: string): string {
  if (typeof text !== 'string') bad('not a string');
  if (text.length > MAX_INPUT_LENGTH) bad('too long');
  const trimmed = trimSpaces(text);
  if (trimmed.length === 0) bad('empty');
  if (FORBIDDEN_ANYWHERE.test(trimmed)) bad('contains whitespace, a control character or an invisible formatting character');
  const lower = asciiLowercase(trimmed);
  const at = lower.indexOf('@');
  if (at < 0) bad("no '@'");
  if (lower.indexOf('@', at + 1) >= 0) bad("more than one '@' (several addresses, or a quoted local part)");
  const local = normalizeLocalPart(lower.slice(0, at));
  const domain = normalizeDomain(lower.slice(at + 1));
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS_LENGTH) bad(`longer than ${MAX_ADDRESS_LENGTH} octets`);
  return address;
}
