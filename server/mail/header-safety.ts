// Guards against header injection: every value placed in a mail header is checked here, so
// that no CR, LF or other control character (nor a Unicode line break) reaches a header, and
// a recipient is exactly one plain address (no list, no display name, no group).
import addressparser from 'nodemailer/lib/addressparser';
import { MailContentError } from './errors.ts';

// C0 controls (CR, LF, NUL, TAB, ...), DEL, C1 controls (NEL), LINE/PARAGRAPH SEPARATOR.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function assertHeaderSafe(field: string, value: unknown, maxLength = 998): asserts value is string {
  if (typeof value !== 'string') throw new MailContentError(field, 'must be a string');
  if (value.length === 0) throw new MailContentError(field, 'must not be empty');
  if (UNSAFE.test(value)) throw new MailContentError(field, 'contains a control character or line break');
  if (value.length > maxLength) throw new MailContentError(field, `longer than ${maxLength} characters`);
}

// Characters with meaning in address headers; a normalized addr-spec needs none of them.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/u;

/** A bare addr-spec such as alice@example.org: what the To header and the envelope get. */
export function assertSingleAddress(field: string, value: unknown): asserts value is string {
  assertHeaderSafe(field, value, 320);
  const parsed = addressparser(value, { flatten: true });
  if (!ADDRESS.test(value) || parsed.length !== 1 || parsed[0].name !== '' || parsed[0].address !== value)
    throw new MailContentError(field, 'must be exactly one plain address');
}

/** One mailbox, optionally with a display name: `glasskey <noreply@example.org>`. */
export function assertSingleMailbox(field: string, value: unknown): asserts value is string {
  assertHeaderSafe(field, value, 320);
  const parsed = addressparser(value, { flatten: true });
  if (parsed.length !== 1 || !parsed[0].address || !ADDRESS.test(parsed[0].address))
    throw new MailContentError(field, 'must be exactly one mailbox');
}
