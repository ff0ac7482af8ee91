// CertificateError: everything the OpenPGP handling refuses. Each carries a stable `code`, a
// message for people, and the HTTP status it maps to (always 4xx: the uploader caused it).
// Messages never quote input bytes, so nothing secret (a pasted private key) can leak
// through an error or a log line.

export type CertificateErrorCode =
  | 'unreadable' // not OpenPGP at all: garbage, damaged armor, truncated packets
  | 'secret-key' // a private key (any kind): refused, never parsed or kept
  | 'no-primary-key' // OpenPGP data without a public primary key
  | 'weak-key' // RSA under 2048 bits, DSA, ElGamal
  | 'unsupported' // a key version or algorithm we do not accept
  | 'too-large' // input or cleaned certificate over its size limit, or too much to check
  | 'too-many-certificates' // more certificates in one upload than allowed
  | 'too-many-addresses' // more distinct addresses than MAX_ADDRESSES
  | 'too-many-subkeys' // more valid subkeys than MAX_SUBKEYS
  | 'no-addresses' // no user ID with an address and a valid self-signature
  | 'bad-signature' // user IDs with addresses, but none of their self-signatures verifies
  | 'revoked' // the certificate is revoked (offered for a new binding)
  | 'expired' // the certificate has expired (offered for a new binding)
  | 'fingerprint-mismatch' // merging two different certificates
  | 'address-not-found'; // the certificate has no user ID with that address

const STATUS: Record<CertificateErrorCode, 400 | 404 | 409 | 413 | 422> = {
  unreadable: 400,
  'secret-key': 422,
  'no-primary-key': 422,
  'weak-key': 422,
  unsupported: 422,
  'too-large': 413,
  'too-many-certificates': 422,
  'too-many-addresses': 422,
  'too-many-subkeys': 422,
  'no-addresses': 422,
  'bad-signature': 422,
  revoked: 422,
  expired: 422,
  'fingerprint-mismatch': 409,
  'address-not-found': 404,
};

export class CertificateError extends Error {
  readonly code: CertificateErrorCode;
  /** The HTTP status this error maps to. */
  readonly status: 400 | 404 | 409 | 413 | 422;

  constructor(code: CertificateErrorCode, message: string) {
    super(message);
    this.name = 'CertificateError';
    this.code = code;
    this.status = STATUS[code];
  }
}

/** The HTTP status for an error code (for callers that only have the code). */
export function certificateErrorStatus(code: CertificateErrorCode): number {
  return STATUS[code];
}
