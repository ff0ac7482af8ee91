// User IDs: decides whether a user ID packet body is one we keep (valid UTF-8, no control or
// bidirectional-override characters, exactly one address: `Name <addr>`, `Name (comment)
// <addr>` or a bare addr) and extracts its normalized address.
import { normalizeAddress } from '@glasskey/verifier';

export type UserIdResult =
  | { readonly ok: true; readonly text: string; readonly address: string }
  | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** C0 and C1 controls, DEL, and the characters that reorder displayed text. */
const FORBIDDEN = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const NAME_ADDR = /^([^<>]*)<([^<>]*)>[ \t]*$/;

export function readUserId(body: Uint8Array): UserIdResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
  if (FORBIDDEN.test(text)) return { ok: false, reason: 'contains a control character' };
  let candidate: string;
  if (text.includes('<') || text.includes('>')) {
    const m = NAME_ADDR.exec(text);
    if (!m) return { ok: false, reason: 'not of the form "Name <address>"' };
    if (m[1].includes('@')) return { ok: false, reason: 'more than one address' };
    candidate = m[2];
  } else {
    candidate = text;
  }
  try {
    return { ok: true, text, address: normalizeAddress(candidate) };
  } catch {
    return { ok: false, reason: 'no valid address' };
  }
}
