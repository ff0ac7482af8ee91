// Choosing signatures: turns a component's raw signature packets into canonical candidates
// made by the primary key (third-party and unparseable ones are left out unverified), picks
// the newest one that verifies, and collects every revocation that verifies.
import type { SignaturePacket } from 'openpgp';
import type { ParsedKey } from './key-packet.ts';
import { compareBytes, type RawPacket } from './packets.ts';
import {
  canonicalSignature,
  createdBy,
  hashAcceptable,
  issuedBy,
  parseSignature,
  signatureKind,
  verifies,
  type CheckBudget,
  type SignatureKind,
  type SignedData,
} from './signature.ts';

export interface Candidate {
  readonly kind: SignatureKind;
  /** Parsed from `body`: what is verified is what is kept. */
  readonly sig: SignaturePacket;
  /** Canonical body (unhashed area reduced). */
  readonly body: Uint8Array;
  /** The body as uploaded. */
  readonly original: Uint8Array;
}

export interface Selection {
  readonly primary: ParsedKey;
  readonly now: Date;
  readonly budget: CheckBudget;
}

/** Canonical candidates issued by the primary key, duplicates removed, in upload order. */
export function candidates(signatures: readonly RawPacket[], primary: ParsedKey): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const { body: original } of signatures) {
    const parsed = parseSignature(original);
    if (!parsed || !issuedBy(parsed, primary)) continue;
    const kind = signatureKind(parsed);
    if (kind === 'other') continue;
    const body = canonicalSignature(original, primary, false);
    const sig = body && parseSignature(body);
    if (!body || !sig) continue;
    const key = Buffer.from(body).toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind, sig, body, original });
  }
  return out;
}

/** Newest first; equal times in byte order, so the choice never depends on upload order. */
function newestFirst(a: Candidate, b: Candidate): number {
  return (b.sig.created?.getTime() ?? 0) - (a.sig.created?.getTime() ?? 0) || compareBytes(a.body, b.body);
}

export function oldestFirst(a: Candidate, b: Candidate): number {
  return (a.sig.created?.getTime() ?? 0) - (b.sig.created?.getTime() ?? 0) || compareBytes(a.body, b.body);
}

/**
 * The newest candidate of `kind` that is not from the future, uses an acceptable hash and
 * verifies over `data` (and passes `accept`, when given); null if none does.
 */
export async function newestValid(
  all: readonly Candidate[],
  kind: Exclude<SignatureKind, 'other'>,
  data: SignedData,
  sel: Selection,
  accept?: (c: Candidate) => Promise<Candidate | null>,
): Promise<Candidate | null> {
  const ordered = all
    .filter((c) => c.kind === kind && createdBy(c.sig, sel.now) && hashAcceptable(c.sig))
    .sort(newestFirst);
  for (const c of ordered) {
    if (!(await verifies(c.sig, kind, sel.primary, data, sel.budget))) continue;
    const chosen = accept ? await accept(c) : c;
    if (chosen) return chosen;
  }
  return null;
}

/** Every candidate of revocation `kind` that verifies over `data`, oldest first. */
export async function validRevocations(
  all: readonly Candidate[],
  kind: 'key-revocation' | 'certification-revocation' | 'subkey-revocation',
  data: SignedData,
  sel: Selection,
): Promise<Candidate[]> {
  const valid: Candidate[] = [];
  for (const c of all) {
    if (c.kind === kind && (await verifies(c.sig, kind, sel.primary, data, sel.budget))) valid.push(c);
  }
  return valid.sort(oldestFirst);
}
