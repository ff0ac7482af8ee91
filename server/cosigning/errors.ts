// Typed errors of the directory's cosigning client: a witnesses file that cannot be used
// (naming the file and line), and a witness answer that is not what the protocol promises.
export class WitnessesFileError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'WitnessesFileError';
  }
}

export class WitnessResponseError extends Error {
  constructor(
    readonly witness: string,
    readonly code: string,
    message: string,
  ) {
    super(`witness ${witness}: ${message}`);
    this.name = 'WitnessResponseError';
  }
}
