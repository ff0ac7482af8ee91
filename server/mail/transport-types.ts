// What the mail queue needs from a transport: send one mail, say where mail goes, close.
import type { OutgoingMail } from './message.ts';

export interface SendResult {
  messageId: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'console';
  /** Where mail goes, for the startup banner; never includes a password. */
  readonly description: string;
  /** Resolves once the mail is accepted (by the SMTP server, or printed). */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}
