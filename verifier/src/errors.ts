// Typed errors for everything the verifier rejects. Every failure is a VerificationError
// (or a subclass) with a stable machine-readable `code` and a message saying what failed.

export class VerificationError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that is not well-formed: bad encoding, wrong length, syntax errors. */
export class FormatError extends VerificationError {}

/** A signature that is missing, from an unknown key, or does not verify. */
export class SignatureError extends VerificationError {}

/** A Merkle inclusion or consistency proof that does not verify. */
export class ProofError extends VerificationError {}

/** A checkpoint or lookup that is well-formed and signed but fails the client's policy. */
export class PolicyError extends VerificationError {}
