// assertBindable: whether a cleaned certificate may be offered for a new address binding:
// it must have an address, and be neither revoked nor expired. (Updates to certificates
// already bound go through mergeCertificates and may carry a revocation.)
import { CertificateError } from './errors.ts';
import type { CleanCertificate } from './types.ts';

export function assertBindable(clean: CleanCertificate, now: Date = new Date()): void {
  if (clean.revoked) throw new CertificateError('revoked', 'the certificate is revoked; it cannot be bound to an address');
  if (clean.expires !== null && clean.expires.getTime() <= now.getTime())
    throw new CertificateError('expired', `the certificate expired on ${clean.expires.toISOString()}; extend its expiry and upload it again`);
  if (clean.addresses.length === 0) {
    if (clean.dropped.userIdsWithoutSelfSignature > 0)
      throw new CertificateError('bad-signature', 'no user ID with an address has a valid self-signature');
    throw new CertificateError(
      'no-addresses',
      'the certificate has no usable user ID: each needs exactly one email address (Name <address>) and a valid self-signature',
    );
  }
}
