// The documented limits of certificate handling. Each one, when exceeded, gives its own
// CertificateError code (in parentheses).

/** Largest input readCertificates looks at: the request body limit (too-large). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Largest cleaned certificate, binary, all valid parts included (too-large). */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** Most distinct normalized addresses on one cleaned certificate (too-many-addresses). */
export const MAX_ADDRESSES = 32;

/** Most valid subkeys on one cleaned certificate (too-many-subkeys). */
export const MAX_SUBKEYS = 32;

/**
 * Most distinct subkey packets looked at in one certificate (too-many-subkeys): subkeys are
 * parsed (and fingerprinted) before their bindings are checked, so this bounds that work.
 */
export const MAX_SUBKEY_PACKETS = 8 * MAX_SUBKEYS;

/**
 * Most signature verifications spent on one certificate (too-large). Third-party
 * certifications are dropped by issuer without being verified, and for each user ID and
 * subkey only the newest signatures are tried until one verifies, so honest certificates
 * stay far below this; it bounds the work a flood of forged self-signatures can cause.
 */
export const MAX_SIGNATURE_CHECKS = 2000;

/** Smallest RSA modulus accepted, in bits (smaller: weak-key). */
export const MIN_RSA_BITS = 2048;

/**
 * How far in the future a signature's creation time may be and still count, in seconds
 * (clock skew between the uploader and the server).
 */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * SHA-1 self-signatures are accepted only if created before this instant (as Sequoia's
 * standard policy does: SHA-1 collisions became practical, old keys still carry them).
 */
export const SHA1_CUTOFF = new Date('2023-02-01T00:00:00Z');
