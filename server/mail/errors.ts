// Typed errors of the mail subsystem. Messages name the field or setting at fault and never
// carry a password, a token or a mail body.

/** A value that would go into a mail header or body is unsafe or malformed. */
export class MailContentError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`mail ${field}: ${reason}`);
    this.name = 'MailContentError';
  }
}

/** The mail queue cannot do what was asked (stopped, misconfigured, job not created). */
export class MailQueueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`mail queue: ${message}`, options);
    this.name = 'MailQueueError';
  }
}

/** A queued mail's payload could not be sealed or opened (wrong key, tampering). */
export class MailSealError extends Error {
  constructor(message: string) {
    super(`mail payload: ${message}`);
    this.name = 'MailSealError';
  }
}

/** A send that took longer than the queue allows. */
export class MailSendTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`sending took longer than ${seconds} s`);
    this.name = 'MailSendTimeoutError';
  }
}
