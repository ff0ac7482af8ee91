// The key object of the Mailvelope keyserver's REST API (GET /api/v1/key): key ID and
// fingerprint in lower-case hex, the user IDs served with their name and address (all
// verified: nothing unverified is ever served or named), the creation time, the primary
// key's algorithm under OpenPGP.js's name for it (what that server reports), its size in
// bits, and the armored certificate.
import { enums } from 'openpgp';
import type { CleanCertificate } from '../openpgp/types.ts';

export interface MailvelopeUserId {
  name: string;
  email: string;
  verified: boolean;
}

export interface MailvelopeKey {
  keyId: string;
  fingerprint: string;
  userIds: MailvelopeUserId[];
  /** ISO 8601, as JSON writes a JavaScript Date. */
  created: string;
  algorithm: string;
  keySize: number;
  publicKeyArmored: string;
}

/** OpenPGP.js's enum name of a public-key algorithm (rsaEncryptSign, eddsaLegacy, ed25519, ...). */
export function openpgpAlgorithmName(id: number, fallback: string): string {
  try {
    return enums.read(enums.publicKey, id) as string;
  } catch {
    return fallback;
  }
}

/** The name part of a user ID: `Alice <a@x>` and `Alice (work) <a@x>` give what precedes `<`; a bare address, "". */
export function userIdName(userId: string): string {
  const lt = userId.lastIndexOf('<');
  return lt < 0 ? '' : userId.slice(0, lt).trim();
}

/**
 * `clean` is the certificate as served (`publicKeyArmored` armors the same bytes); only its
 * user IDs whose address is in `addresses` are listed.
 */
export function mailvelopeKey(clean: CleanCertificate, publicKeyArmored: string, addresses: readonly string[]): MailvelopeKey {
  const listed = new Set(addresses);
  return {
    keyId: clean.keyId.toLowerCase(),
    fingerprint: clean.fingerprint.toLowerCase(),
    userIds: clean.userIds.filter((u) => listed.has(u.address) && !u.revoked).map((u) => ({ name: userIdName(u.userId), email: u.address, verified: true })),
    created: clean.created.toISOString(),
    algorithm: openpgpAlgorithmName(clean.algorithmId, clean.algorithm),
    keySize: clean.bits,
    publicKeyArmored,
  };
}
