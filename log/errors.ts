// Typed errors of the log's write side. Every failure is a LogError (or a subclass) with a
// stable machine-readable `code` and a message that says what went wrong.

export class LogError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument of the wrong type or shape: a negative or fractional index, an empty entry, a width of 300. */
export class LogArgumentError extends LogError {}

/** A well-formed request the log cannot answer: index >= size, size beyond the current tree. */
export class LogRangeError extends LogError {}

/** waitForIndex gave up before the pending entry was integrated. */
export class WaitTimeoutError extends LogError {
  constructor(
    readonly pendingId: number,
    readonly timeoutMs: number,
  ) {
    super('wait-timeout', `pending entry ${pendingId} was not integrated within ${timeoutMs} ms`);
  }
}

/** The signCheckpoint callback returned something that is not a signed note of the body. */
export class CheckpointSigningError extends LogError {}

/** Stored log data contradicts itself (a missing tile, a frontier of the wrong length). */
export class LogIntegrityError extends LogError {}
