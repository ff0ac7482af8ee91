// The verification mail: says plainly what would be bound (or removed), the address and
// fingerprint, that the link works once and expires, and that the mail can be ignored.
// Every input is checked; the subject is re-checked for line breaks after it is built.
import { assertHeaderSafe, assertSingleAddress } from './header-safety.ts';
import { MailContentError } from './errors.ts';
import type { Mail } from './message.ts';

export type VerificationAction = 'bind' | 'unbind';

export interface VerificationMailInput {
  /** Recipient (normally the address itself). */
  to: string;
  /** The normalized address being bound or removed. */
  address: string;
  /** Hex fingerprint of the certificate: 40 digits (v4) or 64 (v6). */
  fingerprint: string;
  /** The single-use link; must lie under publicUrl. */
  link: string;
  action: VerificationAction;
  serviceName: string;
  publicUrl: string;
  /** How long the link works (default 24). */
  expiresInHours?: number;
}

const WIDTH = 72;

/** Wraps a paragraph at WIDTH columns; a word longer than that stays whole on its line. */
function wrap(paragraph: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** "ABCD EF01 ..." in groups of four, as OpenPGP tools print fingerprints. */
export function formatFingerprint(fpr: string): string {
  return fpr.toUpperCase().replace(/(.{4})(?!$)/g, '$1 ');
}

function checkUrl(field: string, value: unknown): URL {
  assertHeaderSafe(field, value, 2048);
  if (/\s/.test(value)) throw new MailContentError(field, 'contains white space');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MailContentError(field, 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MailContentError(field, 'must be an http or https URL');
  if (url.username || url.password) throw new MailContentError(field, 'must not carry credentials');
  return url;
}

export function verificationMail(input: VerificationMailInput): Mail {
  const { to, address, fingerprint, link, action, serviceName, publicUrl } = input;
  const hours = input.expiresInHours ?? 24;
  assertSingleAddress('to', to);
  assertSingleAddress('address', address);
  assertHeaderSafe('serviceName', serviceName, 100);
  if (typeof fingerprint !== 'string' || !/^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(fingerprint))
    throw new MailContentError('fingerprint', 'must be 40 or 64 hexadecimal digits');
  const base = checkUrl('publicUrl', publicUrl);
  const url = checkUrl('link', link);
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (url.origin !== base.origin || !url.pathname.startsWith(basePath))
    throw new MailContentError('link', 'does not lie under publicUrl');
  if (action !== 'bind' && action !== 'unbind') throw new MailContentError('action', 'must be bind or unbind');
  if (!Number.isInteger(hours) || hours < 1) throw new MailContentError('expiresInHours', 'must be a whole number >= 1');

  const site = publicUrl.replace(/\/+$/, '');
  const expiry = hours === 1 ? '1 hour' : `${hours} hours`;
  const details = [`    Address:      ${address}`, `    Fingerprint:  ${formatFingerprint(fingerprint)}`].join('\n');
  const bind = action === 'bind';
  const subject = bind
    ? `${serviceName}: confirm your OpenPGP key for ${address}`
    : `${serviceName}: confirm removal of your OpenPGP key for ${address}`;
  const paragraphs = [
    'Hello,',
    wrap(
      bind
        ? `someone, hopefully you, asked ${serviceName} (${site}) to publish this OpenPGP key for the address ${address}:`
        : `someone, hopefully you, asked ${serviceName} (${site}) to stop publishing this OpenPGP key for the address ${address}:`,
    ),
    details,
    wrap(
      bind
        ? 'To publish it, open this link and press the "Confirm" button on the page:'
        : 'To remove it, open this link and press the "Confirm" button on the page:',
    ),
    link,
    wrap(
      `The link works only once and expires in ${expiry}. ` +
        (bind
          ? `Once you confirm, anyone can look up this key by your address, and the binding is recorded for good in the public transparency log of ${serviceName}. The log entry holds neither your address nor your key, only values derived from them.`
          : `Once you confirm, ${serviceName} stops serving this key for your address and records the removal in its public transparency log, which keeps only entries holding neither your address nor your key.`),
    ),
    wrap(
      bind
        ? 'If you did not ask for this, or this is not your key, ignore this mail: nothing is published unless the link is used, and it expires on its own.'
        : 'If you did not ask for this, ignore this mail: the key stays published unless the link is used, and the link expires on its own.',
    ),
    `-- \n${serviceName}\n${site}`,
  ];
  const text = paragraphs.join('\n\n') + '\n';
  assertHeaderSafe('subject', subject);
  return { to, subject, text };
}
