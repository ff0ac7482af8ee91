// GLASSKEY_ENCRYPT_VERIFICATION_MAIL=1: the mail with a verification (bind) link is encrypted
// to the certificate it would publish, as OpenPGP/MIME, so that using the link proves the
// owner can decrypt with that certificate, not only read the mailbox. A certificate with no
// key that can encrypt (or one openpgp cannot encrypt to) gets the plain mail with a note
// saying it is not encrypted and why.
// Removal links stay plain: whoever lost the key must still be able to remove it.
import { encryptEntity, mimeEntity } from '../mail/pgp-mime.ts';
import type { OutgoingMail, Services } from '../services.ts';
import { certificateByFingerprint } from './queries.ts';
import type { PendingLink } from './verification.ts';

export const NOT_ENCRYPTED_NOTE =
  'This mail is not encrypted. This server encrypts verification mails to the key they are\n' +
  'about, so that only its owner can use the link, but this key has no valid subkey that\n' +
  'can encrypt. Anyone who reads this mailbox can use the link.';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The mail with the note first (in the HTML too, after <body> when it has one). */
function withNote(mail: OutgoingMail): OutgoingMail {
  const out: OutgoingMail = { ...mail, text: `${NOT_ENCRYPTED_NOTE}\n\n${mail.text}` };
  if (mail.html !== undefined) {
    const note = `<p><strong>${escapeHtml(NOT_ENCRYPTED_NOTE.replace(/\n/g, ' '))}</strong></p>`;
    const body = /<body[^>]*>/i.exec(mail.html);
    out.html = body ? mail.html.slice(0, body.index + body[0].length) + note + mail.html.slice(body.index + body[0].length) : note + mail.html;
  }
  return out;
}

/** The mail to send for `link`: as built, encrypted, or with the note (see above). */
export async function protectVerificationMail(svc: Services, link: PendingLink, mail: OutgoingMail): Promise<OutgoingMail> {
  if (!svc.config.encryptVerificationMail || link.action !== 'bind') return mail;
  const stored = await certificateByFingerprint(svc.sql, link.fingerprint);
  if (!stored) return mail; // gone meanwhile: the link will say so
  let armored: string | null;
  try {
    armored = await encryptEntity(await mimeEntity(mail.text, mail.html), stored.data, svc.now());
  } catch (err) {
    svc.log(`verification mail for ${link.fingerprint} not encrypted: openpgp could not encrypt to the certificate`, err);
    armored = null;
  }
  if (armored === null) return withNote(mail);
  return { to: mail.to, subject: mail.subject, text: armored, pgpMime: true };
}
