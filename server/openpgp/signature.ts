// Signature packets: parsing (failures are null, the signature is dropped), classification,
// issuer checks, the canonical form (unhashed area reduced to issuer subpackets and, for
// signing subkeys, the embedded back-signature), and verification against a bounded budget.
// What is verified is always the canonical form, re-parsed: exactly the bytes that are served.
import { SignaturePacket, config, enums } from 'openpgp';
import { CertificateError } from './errors.ts';
import { CLOCK_SKEW_SECONDS, MAX_SIGNATURE_CHECKS, SHA1_CUTOFF } from './limits.ts';
import { equalBytes } from './packets.ts';
import type { ParsedKey } from './key-packet.ts';

export type SignatureKind =
  | 'certification' // 0x10..0x13 on a user ID
  | 'certification-revocation' // 0x30
  | 'direct-key' // 0x1F
  | 'key-revocation' // 0x20
  | 'subkey-binding' // 0x18
  | 'subkey-revocation' // 0x28
  | 'other';

const SUBPACKET_ISSUER = 16;
const SUBPACKET_EMBEDDED = 32;
const SUBPACKET_ISSUER_FINGERPRINT = 33;

export function signatureKind(sig: SignaturePacket): SignatureKind {
  switch (sig.signatureType) {
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13:
      return 'certification';
    case 0x30:
      return 'certification-revocation';
    case 0x1f:
      return 'direct-key';
    case 0x20:
      return 'key-revocation';
    case 0x18:
      return 'subkey-binding';
    case 0x28:
      return 'subkey-revocation';
    default:
      return 'other';
  }
}

/** The openpgp signature type to verify a kind with (it decides what data is hashed). */
const VERIFY_AS: Record<Exclude<SignatureKind, 'other'>, enums.signature> = {
  certification: enums.signature.certGeneric,
  'certification-revocation': enums.signature.certRevocation,
  'direct-key': enums.signature.key,
  'key-revocation': enums.signature.keyRevocation,
  'subkey-binding': enums.signature.subkeyBinding,
  'subkey-revocation': enums.signature.subkeyRevocation,
};

export function parseSignature(body: Uint8Array): SignaturePacket | null {
  try {
    const sig = new SignaturePacket();
    (sig.read as (bytes: Uint8Array, c: typeof config) => void).call(sig, body, config);
    return sig.created ? sig : null;
  } catch {
    return null;
  }
}

/** Whether the signature names `key` as its issuer (and no other key anywhere). */
export function issuedBy(sig: SignaturePacket, key: ParsedKey): boolean {
  const fpr = sig.issuerFingerprint;
  const packet = key.packet;
  if (fpr && fpr.length > 0 && !equalBytes(fpr, packet.getFingerprintBytes() ?? new Uint8Array())) return false;
  const keyId = sig.issuerKeyID;
  return !!keyId && keyId.equals(packet.getKeyID());
}

/**
 * The signature body with its unhashed area reduced to what verification needs: issuer
 * subpackets naming `issuer`, and (when `keepEmbedded`) the last embedded signature.
 * Unhashed data is not covered by the signature, so anyone could have added the rest.
 */
export function canonicalSignature(body: Uint8Array, issuer: ParsedKey, keepEmbedded: boolean): Uint8Array | null {
  const sig = parseSignature(body);
  if (!sig) return null;
  const keyIdBytes = hexBytes(issuer.keyId);
  const fprBytes = Uint8Array.of(issuer.version, ...hexBytes(issuer.fingerprint));
  const kept: { type: number; critical: boolean; body: Uint8Array }[] = [];
  const keep = (type: number, value: Uint8Array) => {
    if (!kept.some((k) => k.type === type && equalBytes(k.body, value))) kept.push({ type, critical: false, body: value });
  };
  const embedded = sig.unhashedSubpackets.filter((s) => s.type === SUBPACKET_EMBEDDED);
  for (const sub of sig.unhashedSubpackets) {
    if (sub.type === SUBPACKET_ISSUER && sig.version === 4 && equalBytes(sub.body, keyIdBytes)) keep(sub.type, sub.body);
    if (sub.type === SUBPACKET_ISSUER_FINGERPRINT && equalBytes(sub.body, fprBytes)) keep(sub.type, sub.body);
  }
  if (keepEmbedded && embedded.length > 0) keep(SUBPACKET_EMBEDDED, embedded[embedded.length - 1].body);
  sig.unhashedSubpackets = kept;
  try {
    return sig.write();
  } catch {
    return null; // parses but cannot be written back (a zero MPI, say): it cannot verify either
  }
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Whether the unhashed area carries an embedded signature (a back-signature put there). */
export function hasUnhashedEmbedded(sig: SignaturePacket): boolean {
  return sig.unhashedSubpackets.some((s) => s.type === SUBPACKET_EMBEDDED);
}

/** A bound on signature verifications for one certificate (MAX_SIGNATURE_CHECKS). */
export class CheckBudget {
  private left: number;
  constructor(limit = MAX_SIGNATURE_CHECKS) {
    this.left = limit;
  }
  spend(): void {
    if (this.left <= 0)
      throw new CertificateError('too-large', `the certificate needs more than ${MAX_SIGNATURE_CHECKS} signature checks; refused`);
    this.left--;
  }
}

/** Data a signature covers, as openpgp's verify takes it. */
export interface SignedData {
  readonly key: ParsedKey['packet'];
  /** The exact user ID packet body (hashed as is, never re-encoded). */
  readonly userId?: Uint8Array;
  readonly bind?: ParsedKey['packet'];
}

/**
 * Verifies a signature of `kind` made by `signer` over `data`, cryptographically only (time
 * and hash policy are checked by the caller with signatureTimeOk and hashAcceptable).
 */
export async function verifies(
  sig: SignaturePacket,
  kind: Exclude<SignatureKind, 'other'>,
  signer: ParsedKey,
  data: SignedData,
  budget: CheckBudget,
): Promise<boolean> {
  if (sig.version !== signer.version) return false;
  budget.spend();
  const signed = {
    key: data.key,
    bind: data.bind,
    userID: data.userId ? { write: () => data.userId } : undefined,
  };
  try {
    await sig.verify(signer.packet, VERIFY_AS[kind], signed, null as unknown as Date, false, config);
    return true;
  } catch {
    return false;
  }
}

/** Verifies an embedded primary-key binding signature (0x19) made by a signing subkey. */
export async function backSignatureVerifies(
  binding: SignaturePacket,
  primary: ParsedKey,
  subkey: ParsedKey,
  budget: CheckBudget,
): Promise<boolean> {
  const back = binding.embeddedSignature;
  if (!back || back.signatureType !== enums.signature.keyBinding || back.version !== subkey.version) return false;
  budget.spend();
  try {
    await back.verify(subkey.packet, enums.signature.keyBinding, { key: primary.packet, bind: subkey.packet }, null as unknown as Date, false, config);
    return true;
  } catch {
    return false;
  }
}

/** Created no later than now (plus CLOCK_SKEW_SECONDS). */
export function createdBy(sig: SignaturePacket, now: Date): boolean {
  return !!sig.created && sig.created.getTime() <= now.getTime() + CLOCK_SKEW_SECONDS * 1000;
}

/** The signature's own expiration (not the key's) has passed at `now`. */
export function signatureExpired(sig: SignaturePacket, now: Date): boolean {
  const end = sig.getExpirationTime();
  return end !== Infinity && (end as Date).getTime() <= now.getTime();
}

/**
 * Hash policy for self-signatures: MD5 and RIPEMD-160 never (openpgp refuses them in
 * verify too), SHA-1 only for signatures created before SHA1_CUTOFF.
 */
export function hashAcceptable(sig: SignaturePacket): boolean {
  const hash = sig.hashAlgorithm;
  if (hash === enums.hash.md5 || hash === enums.hash.ripemd) return false;
  if (hash === enums.hash.sha1) return !!sig.created && sig.created.getTime() < SHA1_CUTOFF.getTime();
  return true;
}

/** Key expiration from a self-signature: undefined when it says nothing, null for never. */
export function keyExpiration(sig: SignaturePacket, keyCreated: Date): Date | null | undefined {
  if (sig.keyNeverExpires === null || sig.keyNeverExpires === undefined) return undefined;
  if (sig.keyNeverExpires || !sig.keyExpirationTime) return null;
  return new Date(keyCreated.getTime() + sig.keyExpirationTime * 1000);
}
