// Cleaning user IDs: keeps those with exactly one valid address and a valid self-signature
// (the newest one), with the key's own certification revocations; drops the rest, and
// third-party certifications with them. Identical user IDs are merged first. Stops with
// too-many-addresses as soon as more than MAX_ADDRESSES distinct addresses verify.
import { CertificateError } from './errors.ts';
import { MAX_ADDRESSES } from './limits.ts';
import type { RawPacket } from './packets.ts';
import { candidates, newestValid, validRevocations, type Candidate, type Selection } from './select.ts';
import { signatureExpired } from './signature.ts';
import type { PacketGroup } from './types.ts';
import { readUserId } from './user-id.ts';

export interface KeptUserId {
  readonly body: Uint8Array;
  readonly text: string;
  readonly address: string;
  readonly selfSignature: Candidate;
  readonly revocations: readonly Candidate[];
  readonly revoked: boolean;
  readonly primary: boolean;
}

export interface UserIdOutcome {
  readonly kept: KeptUserId[];
  readonly withoutAddress: number;
  readonly withoutSelfSignature: number;
}

/** Groups user IDs with identical bytes, their signatures pooled, in first-seen order. */
function mergeIdentical(groups: readonly PacketGroup[]): { body: Uint8Array; signatures: RawPacket[] }[] {
  const byBytes = new Map<string, { body: Uint8Array; signatures: RawPacket[] }>();
  for (const g of groups) {
    const key = Buffer.from(g.packet.body).toString('latin1');
    const found = byBytes.get(key);
    if (found) found.signatures.push(...g.signatures);
    else byBytes.set(key, { body: g.packet.body, signatures: [...g.signatures] });
  }
  return [...byBytes.values()];
}

export async function cleanUserIds(groups: readonly PacketGroup[], sel: Selection): Promise<UserIdOutcome> {
  const kept: KeptUserId[] = [];
  const addresses = new Set<string>();
  let withoutAddress = 0;
  let withoutSelfSignature = 0;
  for (const { body, signatures } of mergeIdentical(groups)) {
    const parsed = readUserId(body);
    if (!parsed.ok) {
      withoutAddress++;
      continue;
    }
    const own = candidates(signatures, sel.primary);
    const data = { key: sel.primary.packet, userId: body };
    const selfSignature = await newestValid(own, 'certification', data, sel);
    if (!selfSignature || signatureExpired(selfSignature.sig, sel.now)) {
      withoutSelfSignature++;
      continue;
    }
    const revocations = await validRevocations(own, 'certification-revocation', data, sel);
    const selfCreated = selfSignature.sig.created!.getTime();
    const revoked = revocations.some((r) => r.sig.created!.getTime() >= selfCreated);
    kept.push({
      body,
      text: parsed.text,
      address: parsed.address,
      selfSignature,
      revocations,
      revoked,
      primary: !!selfSignature.sig.isPrimaryUserID,
    });
    addresses.add(parsed.address);
    if (addresses.size > MAX_ADDRESSES)
      throw new CertificateError(
        'too-many-addresses',
        `the certificate has more than ${MAX_ADDRESSES} addresses with valid self-signatures; at most ${MAX_ADDRESSES} are accepted`,
      );
  }
  return { kept, withoutAddress, withoutSelfSignature };
}
