// createTransport(): SMTP (nodemailer) when an SMTP_URL is given, else the console transport
// that prints each mail to stdout. A bad SMTP_URL throws ConfigError (variable SMTP_URL).
import { createConsoleTransport } from './console-transport.ts';
import { createSmtpTransport, type SmtpTimeouts } from './smtp-transport.ts';
import type { MailTransport } from './transport-types.ts';

export type { MailTransport, SendResult } from './transport-types.ts';

export interface TransportOptions {
  /** SMTP_URL; unset or empty means print to stdout. */
  smtpUrl?: string;
  /** SMTP timeouts (tests shorten them). */
  timeouts?: SmtpTimeouts;
  /** Where the console transport writes (default process.stdout). */
  write?: (text: string) => void;
}

export function createTransport(opts: TransportOptions = {}): MailTransport {
  if (opts.smtpUrl === undefined || opts.smtpUrl === '') return createConsoleTransport(opts.write);
  return createSmtpTransport(opts.smtpUrl, opts.timeouts);
}
