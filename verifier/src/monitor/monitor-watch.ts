// What a monitor watches: addresses, each with the certificates its owner expects, given as
// certificate hashes (SHA-256 of the certificate exactly as served: strict, any update of the
// certificate needs a new expectation) and/or primary key fingerprints (any certificate whose
// primary key has that fingerprint, learned from /api/v1/history: the certificate there must
// hash to the logged entry's hash, and its first packet gives the fingerprint). Resolving an
// address fetches its history and checks the VRF proof, which yields the identity its log
// entries carry.
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeAddress } from '../format/address.ts';
import { addressAlpha } from '../format/address-alpha.ts';
import { dearmor } from '../format/armor.ts';
import { base64Decode, base64Encode, bytesEqual, hexEncode } from '../format/bytes.ts';
import { decodeEntry } from '../format/entry.ts';
import { FormatError, PolicyError, ProofError } from '../errors.ts';
import type { HistoryResponse, LogClient } from '../client/log-client.ts';
import { primaryKeyFingerprint } from '../format/openpgp-fingerprint.ts';
import type { Policy } from '../client/policy.ts';
import { vrfVerify } from '../proof/vrf.ts';

export interface WatchedAddress {
  address: string;
  /** SHA-256 of certificates the owner expects, exactly as the directory serves them. */
  certificateHashes?: readonly Uint8Array[];
  /** Primary key fingerprints (20 bytes v4, 32 bytes v6) whose certificates the owner expects. */
  fingerprints?: readonly Uint8Array[];
  /** The owner expects unbind entries for this address (they removed it themselves). */
  allowUnbind?: boolean;
}

export interface ResolvedWatch {
  address: string;
  identity: Uint8Array;
  identityBase64: string;
  expectedHashes: Set<string>;
  fingerprints: Set<string>;
  allowUnbind: boolean;
  /** Certificate hash (hex) -> primary key fingerprint (hex), for history certificates that check out. */
  knownCertificates: Map<string, string>;
}

export interface EntryVerdict {
  expected: boolean;
  /** Why it is expected, or what is known about the certificate. */
  fingerprint?: string;
}

export function newResolvedWatch(w: WatchedAddress, identity: Uint8Array): ResolvedWatch {
  return {
    address: normalizeAddress(w.address),
    identity,
    identityBase64: base64Encode(identity),
    expectedHashes: new Set((w.certificateHashes ?? []).map(hexEncode)),
    fingerprints: new Set((w.fingerprints ?? []).map(hexEncode)),
    allowUnbind: w.allowUnbind ?? false,
    knownCertificates: new Map(),
  };
}

/** Checks the history's VRF proof: returns the address's identity (VRF output). */
export function historyIdentity(history: HistoryResponse, policy: Policy, address: string): Uint8Array {
  if (policy.vrf === undefined) throw new PolicyError('no-vrf-key', 'the policy has no vrf key: identities cannot be verified');
  if (normalizeAddress(history.email) !== address) throw new ProofError('address-mismatch', `history for ${history.email} instead of ${address}`);
  let proof: Uint8Array;
  let claimed: Uint8Array;
  try {
    proof = base64Decode(history.vrfProof, 'vrfProof');
    claimed = base64Decode(history.identity, 'identity');
  } catch {
    throw new FormatError('bad-history', 'history: vrfProof or identity is not base64');
  }
  const identity = vrfVerify(policy.vrf, addressAlpha(address), proof);
  if (!bytesEqual(identity, claimed)) throw new ProofError('identity-mismatch', `history: the identity given for ${address} is not its VRF output`);
  return identity;
}

/** Learns, from a history, which certificate hashes belong to which primary keys. */
export function learnCertificates(watch: ResolvedWatch, history: HistoryResponse): void {
  for (const h of history.entries) {
    if (h.certificate === null || h.action !== 'bind') continue;
    try {
      const entry = decodeEntry(base64Decode(h.entry, 'entry'));
      if (!bytesEqual(entry.identity, watch.identity)) continue;
      const { data, type } = dearmor(h.certificate);
      if (type !== 'PUBLIC KEY BLOCK' || !bytesEqual(sha256(data), entry.certificateHash)) continue;
      watch.knownCertificates.set(hexEncode(entry.certificateHash), hexEncode(primaryKeyFingerprint(data).fingerprint));
    } catch {
      // a history record that does not check out teaches nothing; the scan still sees the entry
    }
  }
}

export async function resolveWatch(client: LogClient, policy: Policy, w: WatchedAddress): Promise<ResolvedWatch> {
  const address = normalizeAddress(w.address);
  const history = await client.history(address);
  const watch = newResolvedWatch(w, historyIdentity(history, policy, address));
  learnCertificates(watch, history);
  return watch;
}

/** Fetches the history again (for certificates bound since), keeping the identity. */
export async function refreshWatch(client: LogClient, policy: Policy, watch: ResolvedWatch): Promise<void> {
  const history = await client.history(watch.address);
  if (!bytesEqual(historyIdentity(history, policy, watch.address), watch.identity))
    throw new ProofError('identity-mismatch', `history for ${watch.address} changed its identity`);
  learnCertificates(watch, history);
}

/** Whether a bind entry's certificate hash (hex) is one the owner expects. */
export function judgeCertificate(watch: ResolvedWatch, certificateHashHex: string): EntryVerdict {
  const fingerprint = watch.knownCertificates.get(certificateHashHex);
  if (watch.expectedHashes.has(certificateHashHex)) return { expected: true, fingerprint };
  if (fingerprint !== undefined && watch.fingerprints.has(fingerprint)) return { expected: true, fingerprint };
  return { expected: false, fingerprint };
}
