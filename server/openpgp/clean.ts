// cleanCertificate: reduces a certificate as read to what the directory keeps and serves:
// the primary key, its valid key revocations and newest direct-key self-signature, user IDs
// with exactly one address and a valid self-signature (with the key's own revocations of
// them), and subkeys with a valid binding (with their revocations). Every kept signature is
// verified; third-party certifications, user attributes and unhashed junk are dropped. The
// output is canonical: the same valid parts give the same bytes whatever their upload order.
import { CertificateError } from './errors.ts';
import { cleanSubkeys, type KeptSubkey } from './clean-subkeys.ts';
import { cleanUserIds, type KeptUserId } from './clean-user-ids.ts';
import { readKeyPacket, type ParsedKey } from './key-packet.ts';
import { MAX_CERTIFICATE_BYTES } from './limits.ts';
import { compareBytes } from './packets.ts';
import { candidates, newestValid, validRevocations, type Candidate, type Selection } from './select.ts';
import { armorCertificate, writeCertificate } from './serialize.ts';
import { CheckBudget, keyExpiration, signatureExpired } from './signature.ts';
import type { CertificatePackets, CleanCertificate, CleanParts, CleanSubkey, CleanUserId } from './types.ts';

async function readPrimary(cert: CertificatePackets): Promise<ParsedKey> {
  const read = await readKeyPacket(cert.primary.body, false);
  if (!read.ok) throw new CertificateError(read.code, `primary key: ${read.reason}`);
  const { algorithm } = read.key;
  if (algorithm.verdict === 'weak')
    throw new CertificateError(
      'weak-key',
      `the primary key is ${algorithm.name}: RSA keys need at least 2048 bits, and DSA and ElGamal keys are not accepted`,
    );
  if (algorithm.verdict === 'unsupported' || !algorithm.canSign)
    throw new CertificateError('unsupported', `the primary key algorithm (${algorithm.name}) is not supported`);
  return read.key;
}

/** The primary key's expiry: the direct-key signature's, else the primary user ID's. */
function primaryExpiry(primary: ParsedKey, direct: Candidate | null, userIds: readonly KeptUserId[]): Date | null {
  const fromDirect = direct ? keyExpiration(direct.sig, primary.created) : undefined;
  if (fromDirect !== undefined) return fromDirect;
  const live = userIds.filter((u) => !u.revoked);
  const pool = live.length > 0 ? live : userIds;
  const newest = (list: readonly KeptUserId[]) =>
    list.reduce<KeptUserId | null>(
      (best, u) => (!best || u.selfSignature.sig.created! > best.selfSignature.sig.created! ? u : best),
      null,
    );
  const chosen = newest(pool.filter((u) => u.primary)) ?? newest(pool);
  return chosen ? (keyExpiration(chosen.selfSignature.sig, primary.created) ?? null) : null;
}

function userIdOrder(a: KeptUserId, b: KeptUserId): number {
  const rank = (u: KeptUserId) => (u.primary && !u.revoked ? 0 : 1);
  return rank(a) - rank(b) || compareBytes(a.body, b.body);
}

function subkeyOrder(a: KeptSubkey, b: KeptSubkey): number {
  return a.key.created.getTime() - b.key.created.getTime() || (a.key.fingerprint < b.key.fingerprint ? -1 : 1);
}

function countSignatures(cert: CertificatePackets): number {
  let n = cert.signatures.length;
  for (const list of [cert.userIds, cert.userAttributes, cert.subkeys]) for (const g of list) n += g.signatures.length;
  return n;
}

function countKept(parts: CleanParts): number {
  let n = parts.signatures.length;
  for (const part of [...parts.userIds, ...parts.subkeys]) n += part.signatures.length;
  return n;
}

/**
 * Cleans one certificate as of `now` (which decides what is expired or from the future).
 * Throws CertificateError: 'weak-key', 'unsupported', 'unreadable' (primary key),
 * 'too-many-addresses', 'too-many-subkeys', 'too-large'. A certificate left without any
 * address is not an error here (an update may carry only a revocation): see assertBindable.
 */
export async function cleanCertificate(cert: CertificatePackets, now: Date = new Date()): Promise<CleanCertificate> {
  const primary = await readPrimary(cert);
  const sel: Selection = { primary, now, budget: new CheckBudget() };

  const own = candidates(cert.signatures, primary);
  const keyData = { key: primary.packet };
  const keyRevocations = await validRevocations(own, 'key-revocation', keyData, sel);
  const directCandidate = await newestValid(own, 'direct-key', keyData, sel);
  const direct = directCandidate && !signatureExpired(directCandidate.sig, now) ? directCandidate : null;

  const users = await cleanUserIds(cert.userIds, sel);
  const subs = await cleanSubkeys(cert.subkeys, sel);
  const userIds = [...users.kept].sort(userIdOrder);
  const subkeys = [...subs.kept].sort(subkeyOrder);

  const parts: CleanParts = {
    primary: primary.body,
    signatures: [...keyRevocations, ...(direct ? [direct] : [])].map((c) => c.body),
    userIds: userIds.map((u) => ({
      body: u.body,
      address: u.address,
      signatures: [...u.revocations, u.selfSignature].map((c) => c.body),
    })),
    subkeys: subkeys.map((s) => ({ body: s.key.body, signatures: [...s.revocations, s.binding].map((c) => c.body) })),
  };
  const binary = writeCertificate(parts);
  if (binary.length > MAX_CERTIFICATE_BYTES)
    throw new CertificateError(
      'too-large',
      `the cleaned certificate is ${binary.length} bytes, more than the ${MAX_CERTIFICATE_BYTES}-byte limit`,
    );

  const expires = primaryExpiry(primary, direct, userIds);
  const cleanUserIdList: CleanUserId[] = userIds.map((u) => ({
    userId: u.text,
    address: u.address,
    revoked: u.revoked,
    primary: u.primary,
    created: u.selfSignature.sig.created!,
  }));
  const cleanSubkeyList: CleanSubkey[] = subkeys.map((s) => ({
    fingerprint: s.key.fingerprint,
    keyId: s.key.keyId,
    algorithm: s.key.algorithm.name,
    algorithmId: s.key.algorithm.id,
    bits: s.key.algorithm.bits,
    created: s.key.created,
    expires: keyExpiration(s.binding.sig, s.key.created) ?? null,
    revoked: s.revocations.length > 0,
  }));
  return {
    fingerprint: primary.fingerprint,
    keyId: primary.keyId,
    version: primary.version,
    algorithm: primary.algorithm.name,
    algorithmId: primary.algorithm.id,
    bits: primary.algorithm.bits,
    created: primary.created,
    expires,
    expired: expires !== null && expires.getTime() <= now.getTime(),
    revoked: keyRevocations.length > 0,
    subkeys: cleanSubkeyList,
    userIds: cleanUserIdList,
    addresses: [...new Set(userIds.filter((u) => !u.revoked).map((u) => u.address))].sort(),
    binary,
    armored: armorCertificate(binary),
    dropped: {
      userIdsWithoutAddress: users.withoutAddress,
      userIdsWithoutSelfSignature: users.withoutSelfSignature,
      userAttributes: cert.userAttributes.length,
      subkeys: subs.dropped,
      signatures: countSignatures(cert) - countKept(parts),
      packets: cert.ignored,
    },
    parts,
  };
}
