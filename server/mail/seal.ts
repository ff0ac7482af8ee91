// Optional encryption of queued mails (AES-256-GCM). A queued verification mail holds a live
// single-use link, while the token itself is stored only as a hash; sealing the job payload
// keeps a reader of the database (a leaked backup, a replica) from using pending links.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MailSealError } from './errors.ts';

const PREFIX = 'gkmail1.';
const AAD = Buffer.from('glasskey mail job v1');

export function checkSealKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new MailSealError('the key must be 32 bytes');
}

export function seal(key: Uint8Array, plaintext: string): string {
  checkSealKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function open(key: Uint8Array, sealed: string): string {
  checkSealKey(key);
  if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw new MailSealError('not a sealed payload');
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) throw new MailSealError('sealed payload is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(AAD);
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  try {
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new MailSealError('cannot be opened (wrong key, or altered)');
  }
}
