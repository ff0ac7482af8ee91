// Cleaning subkeys: keeps those of an accepted algorithm and the primary's version that have
// a valid binding signature (the newest; a signing subkey's must carry a valid embedded
// back-signature), with their valid revocations. Subkeys with the same fingerprint are
// merged first. Stops with too-many-subkeys past MAX_SUBKEYS.
import { CertificateError } from './errors.ts';
import { MAX_SUBKEY_PACKETS, MAX_SUBKEYS } from './limits.ts';
import { readKeyPacket, type ParsedKey } from './key-packet.ts';
import type { RawPacket } from './packets.ts';
import { candidates, newestValid, validRevocations, type Candidate, type Selection } from './select.ts';
import {
  backSignatureVerifies,
  canonicalSignature,
  hasUnhashedEmbedded,
  parseSignature,
  signatureExpired,
  verifies,
} from './signature.ts';
import type { PacketGroup } from './types.ts';

export interface KeptSubkey {
  readonly key: ParsedKey;
  readonly binding: Candidate;
  readonly revocations: readonly Candidate[];
}

export interface SubkeyOutcome {
  readonly kept: KeptSubkey[];
  readonly dropped: number;
}

const SIGN_DATA_FLAG = 0x02;

function signsData(c: Candidate): boolean {
  const flags = c.sig.keyFlags as ArrayLike<number> | null;
  return !!flags && flags.length > 0 && (flags[0] & SIGN_DATA_FLAG) !== 0;
}

/**
 * A binding for a signing subkey counts only with a valid back-signature. It is normally in
 * the hashed area; if only the unhashed area has one, the binding is kept with it there.
 */
async function withBackSignature(c: Candidate, subkey: ParsedKey, sel: Selection): Promise<Candidate | null> {
  if (!signsData(c)) return c;
  if (await backSignatureVerifies(c.sig, sel.primary, subkey, sel.budget)) return c;
  const original = parseSignature(c.original);
  if (!original || !hasUnhashedEmbedded(original)) return null;
  const body = canonicalSignature(c.original, sel.primary, true);
  const sig = body && parseSignature(body);
  if (!body || !sig) return null;
  const data = { key: sel.primary.packet, bind: subkey.packet };
  if (!(await verifies(sig, 'subkey-binding', sel.primary, data, sel.budget))) return null;
  if (!(await backSignatureVerifies(sig, sel.primary, subkey, sel.budget))) return null;
  return { ...c, sig, body };
}

/** Subkeys grouped by fingerprint, their signatures pooled; each distinct packet parsed once. */
const bytesKey = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Subkeys grouped by fingerprint, their signatures pooled; each distinct packet parsed once. */
async function mergeIdentical(groups: readonly PacketGroup[]): Promise<{ key: ParsedKey | null; signatures: RawPacket[] }[]> {
  const bodies = new Map<string, Uint8Array>();
  for (const g of groups) if (!bodies.has(bytesKey(g.packet.body))) bodies.set(bytesKey(g.packet.body), g.packet.body);
  if (bodies.size > MAX_SUBKEY_PACKETS)
    throw new CertificateError(
      'too-many-subkeys',
      `the certificate holds ${bodies.size} subkey packets; at most ${MAX_SUBKEY_PACKETS} are looked at and ${MAX_SUBKEYS} kept`,
    );
  const parsed = new Map<string, ParsedKey | null>();
  let unreadable = 0;
  for (const [k, body] of bodies) {
    const read = await readKeyPacket(body, true);
    parsed.set(k, read.ok ? read.key : null);
    if (!read.ok) unreadable++;
  }
  const byFingerprint = new Map<string, { key: ParsedKey; signatures: RawPacket[] }>();
  for (const g of groups) {
    const key = parsed.get(bytesKey(g.packet.body));
    if (!key) continue;
    const found = byFingerprint.get(key.fingerprint);
    if (found) found.signatures.push(...g.signatures);
    else byFingerprint.set(key.fingerprint, { key, signatures: [...g.signatures] });
  }
  return [...byFingerprint.values(), ...Array.from({ length: unreadable }, () => ({ key: null, signatures: [] }))];
}

export async function cleanSubkeys(groups: readonly PacketGroup[], sel: Selection): Promise<SubkeyOutcome> {
  const kept: KeptSubkey[] = [];
  let dropped = 0;
  for (const { key, signatures } of await mergeIdentical(groups)) {
    if (!key || key.algorithm.verdict !== 'ok' || key.version !== sel.primary.version) {
      dropped++;
      continue;
    }
    const own = candidates(signatures, sel.primary);
    const data = { key: sel.primary.packet, bind: key.packet };
    const binding = await newestValid(own, 'subkey-binding', data, sel, (c) => withBackSignature(c, key, sel));
    if (!binding || signatureExpired(binding.sig, sel.now)) {
      dropped++;
      continue;
    }
    const revocations = await validRevocations(own, 'subkey-revocation', data, sel);
    kept.push({ key, binding, revocations });
    if (kept.length > MAX_SUBKEYS)
      throw new CertificateError(
        'too-many-subkeys',
        `the certificate has more than ${MAX_SUBKEYS} valid subkeys; at most ${MAX_SUBKEYS} are accepted`,
      );
  }
  return { kept, dropped };
}
