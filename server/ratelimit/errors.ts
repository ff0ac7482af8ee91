// Typed errors of the rate limiter: a call with arguments that cannot describe a limit.
export class RateLimitArgumentError extends Error {
  constructor(
    readonly argument: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`rate limit ${argument}: ${message}`);
    this.name = 'RateLimitArgumentError';
  }
}
