// The SMTP transport: nodemailer with settings from SMTP_URL, bounded timeouts, and no
// access to files or URLs from message content. One connection per mail (no pool), so a
// broken connection never outlives the send that saw it. An encrypted mail (pgpMime) is
// built whole by pgp-mime.ts and sent as is.
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { checkOutgoingMail, type OutgoingMail } from './message.ts';
import { pgpMimeMessage } from './pgp-mime.ts';
import { parseSmtpUrl } from './smtp-url.ts';
import type { MailTransport, SendResult } from './transport-types.ts';

export interface SmtpTimeouts {
  /** Milliseconds to open the TCP/TLS connection (default 30 s). */
  connectionMs?: number;
  /** Milliseconds to wait for the server's greeting (default 30 s). */
  greetingMs?: number;
  /** Milliseconds of inactivity on the socket (default 60 s). */
  socketMs?: number;
}

/** The bare address of a checked mailbox (`glasskey <noreply@x>` -> `noreply@x`), for the envelope. */
function envelopeAddress(mailbox: string): string {
  return addressparser(mailbox, { flatten: true })[0].address;
}

export function createSmtpTransport(smtpUrl: string, timeouts: SmtpTimeouts = {}): MailTransport {
  const { settings, redacted } = parseSmtpUrl(smtpUrl);
  const transporter = nodemailer.createTransport({
    ...settings,
    connectionTimeout: timeouts.connectionMs ?? 30_000,
    greetingTimeout: timeouts.greetingMs ?? 30_000,
    socketTimeout: timeouts.socketMs ?? 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    kind: 'smtp',
    description: redacted,
    async send(mail: OutgoingMail): Promise<SendResult> {
      const m = checkOutgoingMail(mail);
      if (m.pgpMime) {
        const { raw, messageId } = await pgpMimeMessage(m);
        await transporter.sendMail({ envelope: { from: envelopeAddress(m.from), to: [m.to] }, raw, disableFileAccess: true, disableUrlAccess: true });
        return { messageId };
      }
      const info = await transporter.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { messageId: info.messageId };
    },
    close() {
      transporter.close();
    },
  };
}
