// The mail subsystem's public surface: transports, the verification template, the queue.
export { MailContentError, MailQueueError, MailSealError, MailSendTimeoutError } from './errors.ts';
export { assertHeaderSafe, assertSingleAddress, assertSingleMailbox } from './header-safety.ts';
export { checkMail, type Mail, type OutgoingMail } from './message.ts';
export { createTransport, type MailTransport, type SendResult, type TransportOptions } from './transport.ts';
export { CONSOLE_BEGIN, formatConsoleMail } from './console-transport.ts';
export { parseSmtpUrl, type SmtpSettings } from './smtp-url.ts';
export { formatFingerprint, verificationMail, type VerificationAction, type VerificationMailInput } from './templates.ts';
export { startMailQueue, type MailLog, type MailQueue, type MailQueueOptions, type RetryPolicy } from './queue.ts';
