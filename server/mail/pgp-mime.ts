// OpenPGP/MIME (RFC 3156, section 4) for mails encrypted to a certificate: the MIME entity
// that is encrypted (the mail's text, and its HTML as an alternative), its encryption with
// openpgp to the certificate's encryption subkey, and the multipart/encrypted message that
// carries it (a control part "Version: 1" and the armored OpenPGP message).
import MimeNode from 'nodemailer/lib/mime-node';
import { createMessage, encrypt, readKey } from 'openpgp';
import type { OutgoingMail } from './message.ts';

export const PGP_MESSAGE_BEGIN = '-----BEGIN PGP MESSAGE-----';

/** The entity to encrypt: text/plain, or multipart/alternative with the HTML, CRLF line ends. */
export async function mimeEntity(text: string, html?: string): Promise<Uint8Array> {
  let node: MimeNode;
  if (html === undefined) {
    node = new MimeNode('text/plain; charset=utf-8');
    node.setContent(text);
  } else {
    node = new MimeNode('multipart/alternative');
    node.createChild('text/plain; charset=utf-8').setContent(text);
    node.createChild('text/html; charset=utf-8').setContent(html);
  }
  // A root MimeNode adds Date, Message-ID and MIME-Version: the entity is a body part, so
  // only its Content-* headers are kept.
  const built = (await node.build()).toString('utf8');
  const split = built.indexOf('\r\n\r\n');
  const headers = built
    .slice(0, split)
    .split(/\r\n(?![ \t])/)
    .filter((h) => /^content-/i.test(h));
  return new TextEncoder().encode(`${headers.join('\r\n')}\r\n\r\n${built.slice(split + 4)}`);
}

/**
 * The entity encrypted to `certificate` (binary or armored) as of `now`, ASCII-armored; null
 * when the certificate has no key that can encrypt then (signing-only, or every encryption
 * subkey revoked or expired).
 */
export async function encryptEntity(entity: Uint8Array, certificate: Uint8Array | string, now: Date): Promise<string | null> {
  const key = typeof certificate === 'string' ? await readKey({ armoredKey: certificate }) : await readKey({ binaryKey: certificate });
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    return null;
  }
  const message = await createMessage({ binary: entity, format: 'mime' });
  return encrypt({ message, encryptionKeys: key, date: now, format: 'armored' });
}

/** The whole RFC 3156 message for a mail whose text is an armored OpenPGP message. */
export async function pgpMimeMessage(mail: OutgoingMail): Promise<{ raw: Buffer; messageId: string }> {
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"', { disableFileAccess: true, disableUrlAccess: true });
  root.setHeader('From', mail.from);
  root.setHeader('To', mail.to);
  root.setHeader('Subject', mail.subject);
  for (const [name, value] of Object.entries(mail.headers ?? {})) root.setHeader(name, value);
  const control = root.createChild('application/pgp-encrypted');
  control.setHeader('Content-Description', 'PGP/MIME version identification');
  control.setHeader('Content-Transfer-Encoding', '7bit');
  control.setContent('Version: 1\r\n');
  const data = root.createChild('application/octet-stream; name="encrypted.asc"');
  data.setHeader('Content-Description', 'OpenPGP encrypted message');
  data.setHeader('Content-Disposition', 'inline; filename="encrypted.asc"');
  data.setHeader('Content-Transfer-Encoding', '7bit');
  data.setContent(mail.text.replace(/\r?\n/g, '\r\n'));
  const messageId = root.messageId();
  return { raw: await root.build(), messageId };
}
