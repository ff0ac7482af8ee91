// What is served: the certificate for one address (primary key, its valid subkeys and
// revocations, and only the user IDs carrying that address: looking up one address reveals
// no other), or for a fingerprint lookup with only the verified addresses' user IDs. Bytes
// are deterministic: the log hashes exactly what is served.
import { normalizeAddress } from '@glasskey/verifier';
import { CertificateError } from './errors.ts';
import { armorCertificate, writeCertificate } from './serialize.ts';
import type { CleanCertificate } from './types.ts';

export { armorCertificate };

function normalized(address: string): string | null {
  try {
    return normalizeAddress(address);
  } catch {
    return null;
  }
}

/**
 * The binary certificate served for `address`: throws CertificateError 'address-not-found'
 * when no kept user ID carries it (revoked user IDs count: their revocation is served).
 */
export function certificateForAddress(clean: CleanCertificate, address: string): Uint8Array {
  const wanted = normalized(address);
  const userIds = clean.parts.userIds.filter((u) => u.address === wanted);
  if (wanted === null || userIds.length === 0)
    throw new CertificateError('address-not-found', 'the certificate has no user ID with this address');
  return writeCertificate(clean.parts, userIds);
}

/**
 * The binary certificate with only the user IDs whose address is among `addresses` (the
 * verified ones); with none, the primary key, its revocations and subkeys alone.
 */
export function certificateWithAddresses(clean: CleanCertificate, addresses: Iterable<string>): Uint8Array {
  const wanted = new Set<string>();
  for (const a of addresses) {
    const n = normalized(a);
    if (n !== null) wanted.add(n);
  }
  return writeCertificate(
    clean.parts,
    clean.parts.userIds.filter((u) => wanted.has(u.address)),
  );
}
