// The transport used when SMTP_URL is unset: prints each mail in full (headers and text
// body, so the link can be copied) to stdout between unmistakable delimiter lines, in one
// write so that concurrent mails never interleave. Nothing is sent.
import { randomBytes } from 'node:crypto';
import { checkOutgoingMail, type OutgoingMail } from './message.ts';
import type { MailTransport, SendResult } from './transport-types.ts';

export const CONSOLE_BEGIN = '======== glasskey mail: not sent (SMTP_URL is unset), printed here ========';
export const consoleEnd = (messageId: string) => `======== end of mail ${messageId} ========`;

export function formatConsoleMail(mail: OutgoingMail, messageId: string, date = new Date()): string {
  const headers: [string, string][] = [
    ['Message-ID', messageId],
    ['Date', date.toUTCString()],
    ['From', mail.from],
    ['To', mail.to],
    ['Subject', mail.subject],
    ...Object.entries(mail.headers ?? {}),
    ...(mail.pgpMime ? [['Content-Type', 'multipart/encrypted; protocol="application/pgp-encrypted" (OpenPGP/MIME: the encrypted part below)'] as [string, string]] : []),
  ];
  const lines = [CONSOLE_BEGIN, ...headers.map(([k, v]) => `${k}: ${v}`), '', mail.text.replace(/\n$/, ''), consoleEnd(messageId)];
  if (mail.html !== undefined) lines.splice(lines.length - 1, 0, '', '(an HTML version of this mail is not shown)');
  return lines.join('\n') + '\n';
}

export function createConsoleTransport(write: (text: string) => void = (t) => void process.stdout.write(t)): MailTransport {
  return {
    kind: 'console',
    description: 'stdout (SMTP_URL is unset: mails are printed, not sent)',
    async send(mail: OutgoingMail): Promise<SendResult> {
      const checked = checkOutgoingMail(mail);
      const messageId = `<${randomBytes(12).toString('hex')}@glasskey.console>`;
      write(formatConsoleMail(checked, messageId));
      return { messageId };
    },
    close() {},
  };
}
