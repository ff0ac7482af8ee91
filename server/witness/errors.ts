// Typed refusals of the witness. Each carries the HTTP status c2sp.org/tlog-witness v1.0.0
// prescribes, a stable code and a message saying what was wrong; a 409 also carries the tree
// size the witness last cosigned (sent as the `text/x.tlog.size` body).
export type WitnessStatus = 400 | 403 | 404 | 409 | 413 | 422;

export class WitnessError extends Error {
  constructor(
    readonly status: WitnessStatus,
    readonly code: string,
    message: string,
    /** For 409: the size of the latest checkpoint the witness cosigned for the origin. */
    readonly size?: number,
  ) {
    super(message);
    this.name = 'WitnessError';
  }
}

/** A problem with the witness's own configuration (logs file, key, environment). */
export class WitnessConfigError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'WitnessConfigError';
  }
}
