// mergeCertificates: an update to a stored certificate. Takes the union of both cleaned
// certificates' packets and cleans it again: new self-signatures (a new expiry), new
// subkeys, new user IDs and revocations come in; nothing valid that was stored is lost
// (revocations verify forever, so a stored one always survives). Reports what changed, so
// the server appends log entries only for bound addresses whose served bytes changed.
import { cleanCertificate } from './clean.ts';
import { CertificateError } from './errors.ts';
import { certificateForAddress } from './filter.ts';
import { equalBytes, Tag, type RawPacket } from './packets.ts';
import type { CertificatePackets, CleanCertificate, CleanPart, PacketGroup } from './types.ts';

export interface MergeResult {
  readonly certificate: CleanCertificate;
  /** The full cleaned certificate's bytes differ from the stored one's. */
  readonly changed: boolean;
  /** The certificate is revoked now and was not before. */
  readonly revoked: boolean;
  /** Key expiry differs from the stored one. */
  readonly expiresChanged: boolean;
  /** Fingerprints of subkeys that are new. */
  readonly newSubkeys: readonly string[];
  /** Fingerprints of subkeys revoked by this update. */
  readonly revokedSubkeys: readonly string[];
  /** Addresses (of user IDs not revoked) the stored certificate did not have. */
  readonly newAddresses: readonly string[];
  /** Addresses usable before and not now (their user IDs revoked, or their self-signatures expired). */
  readonly revokedAddresses: readonly string[];
  /**
   * Addresses of the stored certificate whose served bytes (certificateForAddress) changed:
   * for each bound one, the server appends a new log entry.
   */
  readonly changedAddresses: readonly string[];
}

const signature = (body: Uint8Array): RawPacket => ({ tag: Tag.signature, body });
const group = (tag: number, part: CleanPart): PacketGroup => ({ packet: { tag, body: part.body }, signatures: part.signatures.map(signature) });

function union(a: CleanCertificate, b: CleanCertificate): CertificatePackets {
  return {
    primary: { tag: Tag.publicKey, body: a.parts.primary },
    signatures: [...a.parts.signatures, ...b.parts.signatures].map(signature),
    userIds: [...a.parts.userIds, ...b.parts.userIds].map((p) => group(Tag.userId, p)),
    userAttributes: [],
    subkeys: [...a.parts.subkeys, ...b.parts.subkeys].map((p) => group(Tag.publicSubkey, p)),
    ignored: 0,
  };
}

function servedFor(clean: CleanCertificate, address: string): Uint8Array | null {
  return clean.parts.userIds.some((u) => u.address === address) ? certificateForAddress(clean, address) : null;
}

/** Throws CertificateError 'fingerprint-mismatch' for different keys, or any cleaning error. */
export async function mergeCertificates(
  stored: CleanCertificate,
  uploaded: CleanCertificate,
  now: Date = new Date(),
): Promise<MergeResult> {
  if (stored.fingerprint !== uploaded.fingerprint)
    throw new CertificateError(
      'fingerprint-mismatch',
      `the uploaded certificate ${uploaded.fingerprint} is not the stored one ${stored.fingerprint}`,
    );
  const merged = await cleanCertificate(union(stored, uploaded), now);
  const storedSubkeys = new Map(stored.subkeys.map((s) => [s.fingerprint, s]));
  const storedAddresses = new Set(stored.userIds.map((u) => u.address));
  const liveBefore = new Set(stored.addresses);
  const liveAfter = new Set(merged.addresses);
  const before = stored.expires?.getTime() ?? null;
  const after = merged.expires?.getTime() ?? null;
  return {
    certificate: merged,
    changed: !equalBytes(stored.binary, merged.binary),
    revoked: merged.revoked && !stored.revoked,
    expiresChanged: before !== after,
    newSubkeys: merged.subkeys.filter((s) => !storedSubkeys.has(s.fingerprint)).map((s) => s.fingerprint),
    revokedSubkeys: merged.subkeys
      .filter((s) => s.revoked && storedSubkeys.get(s.fingerprint)?.revoked === false)
      .map((s) => s.fingerprint),
    newAddresses: merged.addresses.filter((a) => !storedAddresses.has(a)),
    revokedAddresses: [...liveBefore].filter((a) => !liveAfter.has(a)).sort(),
    changedAddresses: [...storedAddresses].sort().filter((a) => {
      const old = servedFor(stored, a);
      const fresh = servedFor(merged, a);
      return !old || !fresh || !equalBytes(old, fresh);
    }),
  };
}
