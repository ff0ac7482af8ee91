// The shape of a mail in glasskey and its checks: one recipient, a safe subject, a text body
// (an HTML alternative is optional), or an encrypted one (pgpMime). Every transport and the
// queue check mail here.
import { assertHeaderSafe, assertSingleAddress, assertSingleMailbox } from './header-safety.ts';
import { MailContentError } from './errors.ts';

export interface Mail {
  /** One plain address. */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** text is an armored OpenPGP message: sent as OpenPGP/MIME, RFC 3156 (pgp-mime.ts). */
  pgpMime?: boolean;
}

export interface OutgoingMail extends Mail {
  /** One mailbox, display name allowed: `glasskey <noreply@example.org>`. */
  from: string;
  headers?: Record<string, string>;
}

export const MAX_BODY_CHARS = 256 * 1024;

function checkBody(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) throw new MailContentError(field, 'must be a non-empty string');
  if (value.length > MAX_BODY_CHARS) throw new MailContentError(field, `longer than ${MAX_BODY_CHARS} characters`);
  if (/[\u0000\r]/.test(value)) throw new MailContentError(field, 'contains NUL or CR (use \\n for line breaks)');
}

/** Returns a copy of exactly the known fields, after checking each. */
export function checkMail(mail: Mail): Mail {
  if (typeof mail !== 'object' || mail === null) throw new MailContentError('mail', 'must be an object');
  assertSingleAddress('to', mail.to);
  assertHeaderSafe('subject', mail.subject);
  checkBody('text', mail.text);
  const out: Mail = { to: mail.to, subject: mail.subject, text: mail.text };
  if (mail.html !== undefined) {
    checkBody('html', mail.html);
    out.html = mail.html;
  }
  if (mail.pgpMime !== undefined && mail.pgpMime !== false) {
    if (mail.pgpMime !== true) throw new MailContentError('pgpMime', 'must be a boolean');
    if (out.html !== undefined) throw new MailContentError('html', 'an OpenPGP/MIME mail has no HTML part outside its encryption');
    if (!mail.text.startsWith('-----BEGIN PGP MESSAGE-----') || /[^\x09\x0a\x20-\x7e]/.test(mail.text))
      throw new MailContentError('text', 'an OpenPGP/MIME mail carries an ASCII-armored OpenPGP message');
    out.pgpMime = true;
  }
  return out;
}

export function checkOutgoingMail(mail: OutgoingMail): OutgoingMail {
  const out: OutgoingMail = { ...checkMail(mail), from: mail.from };
  assertSingleMailbox('from', mail.from);
  if (mail.headers !== undefined) {
    out.headers = {};
    for (const [name, value] of Object.entries(mail.headers)) {
      if (!/^[A-Za-z][A-Za-z0-9-]{0,75}$/.test(name)) throw new MailContentError('headers', `bad header name ${JSON.stringify(name.slice(0, 80))}`);
      assertHeaderSafe(`header ${name}`, value);
      out.headers[name] = value;
    }
  }
  return out;
}
