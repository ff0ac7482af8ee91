// Verifies a lookup response of the JSON API: {email, certificate (armored), entry (base64 of
// the 102-byte log entry), proof (tlog-proof whose extra line is the VRF proof)}. Each step
// that fails throws a typed error whose code names it: 'bad-lookup' (shape), 'address-mismatch',
// 'no-vrf-key', 'vrf', 'identity-mismatch', 'not-bound', 'certificate-hash', 'inclusion', and
// whatever parsing (bad-address, bad-entry, bad-armor, bad-tlog-proof) or openCheckpoint throws.
// What it proves: the certificate served is the one of a bind entry for this address at
// `index` in a checkpoint the policy accepts. Not that this entry is the address's newest one:
// that is what monitors, which read every entry, are for.
// With a HeadStore (last argument), the checkpoint must also be consistent with the newest one
// this client verified before (HeadStore.update: RollbackError, SplitViewError, ProofError);
// verifyLookup then returns a Promise.
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeAddress } from '../format/address.ts';
import { addressAlpha } from '../format/address-alpha.ts';
import { dearmor } from '../format/armor.ts';
import { base64Decode, bytesEqual } from '../format/bytes.ts';
import { decodeEntry, type Entry } from '../format/entry.ts';
import { FormatError, PolicyError, ProofError, VerificationError } from '../errors.ts';
import { leafHash, verifyInclusion } from '../proof/merkle.ts';
import { openCheckpoint, type OpenedCheckpoint } from './open-checkpoint.ts';
import type { Policy } from './policy.ts';
import { parseTlogProof } from '../format/tlog-proof.ts';
import type { HeadStore } from './head-store.ts';
import type { ConsistencyProofFetcher, ConsistencyProofSource } from './split-view.ts';
import { vrfVerify } from '../proof/vrf.ts';

export interface LookupResponse {
  email: string;
  /** The certificate, OpenPGP ASCII armor of the binary the entry hashes. */
  certificate: string;
  /** base64 of the 102-byte log entry. */
  entry: string;
  /** c2sp.org/tlog-proof@v1 text; its extra line is the 80-byte VRF proof for the address. */
  proof: string;
}

export interface VerifiedLookup {
  /** The binary OpenPGP certificate, exactly the bytes the entry's hash covers. */
  certificate: Uint8Array;
  index: number;
  entry: Entry;
  checkpoint: OpenedCheckpoint;
}

function field(response: unknown, name: keyof LookupResponse): string {
  const value = typeof response === 'object' && response !== null ? (response as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string') throw new FormatError('bad-lookup', `lookup response: '${name}' is missing or not a string`);
  return value;
}

/** What verifyLookup needs to check the checkpoint against, and advance, the client's head. */
export interface LookupGossip {
  headStore: HeadStore;
  /** Consistency proofs from the server (e.g. GET /api/v1/proof/consistency). */
  consistencyProof: ConsistencyProofFetcher | ConsistencyProofSource;
}

export function verifyLookup(response: LookupResponse, policy: Policy, address: string, now?: number): VerifiedLookup;
export function verifyLookup(
  response: LookupResponse,
  policy: Policy,
  address: string,
  now: number | undefined,
  gossip: LookupGossip,
): Promise<VerifiedLookup>;
export function verifyLookup(
  response: LookupResponse,
  policy: Policy,
  address: string,
  now?: number,
  gossip?: LookupGossip,
): VerifiedLookup | Promise<VerifiedLookup> {
  if (gossip === undefined) return verifyLookupResponse(response, policy, address, now);
  let verified: VerifiedLookup;
  try {
    verified = verifyLookupResponse(response, policy, address, now);
  } catch (e) {
    return Promise.reject(e);
  }
  return gossip.headStore.update(verified.checkpoint, gossip.consistencyProof).then(() => verified);
}

function verifyLookupResponse(response: LookupResponse, policy: Policy, address: string, now?: number): VerifiedLookup {
  const email = field(response, 'email');
  const armored = field(response, 'certificate');
  const entryText = field(response, 'entry');
  const proofText = field(response, 'proof');

  const wanted = normalizeAddress(address);
  if (normalizeAddress(email) !== wanted)
    throw new ProofError('address-mismatch', 'lookup response is for another address than the one asked for');

  let entryBytes: Uint8Array;
  try {
    entryBytes = base64Decode(entryText, 'entry');
  } catch {
    throw new FormatError('bad-entry', 'lookup response: entry is not canonical base64');
  }
  const entry = decodeEntry(entryBytes);
  const tlogProof = parseTlogProof(proofText);
  const { data: certificate, type } = dearmor(armored);
  if (type !== 'PUBLIC KEY BLOCK') throw new FormatError('bad-armor', `lookup response: certificate armor is '${type}', not 'PUBLIC KEY BLOCK'`);

  if (policy.vrf === undefined) throw new PolicyError('no-vrf-key', 'the policy has no vrf key: lookups cannot be verified');
  if (tlogProof.extra === undefined) throw new FormatError('vrf', 'the tlog-proof has no extra line carrying the VRF proof');
  const identity = vrfVerify(policy.vrf, addressAlpha(wanted), tlogProof.extra);
  if (!bytesEqual(identity, entry.identity))
    throw new ProofError('identity-mismatch', "the entry's identity is not the VRF output of this address");
  if (entry.action !== 'bind') throw new PolicyError('not-bound', 'the entry unbinds this address');
  if (!bytesEqual(sha256(certificate), entry.certificateHash))
    throw new ProofError('certificate-hash', "the certificate served does not hash to the entry's certificate hash");

  const checkpoint = openCheckpoint(tlogProof.checkpoint, policy, now);
  try {
    verifyInclusion(tlogProof.index, checkpoint.size, leafHash(entryBytes), tlogProof.proof, checkpoint.root);
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    throw new ProofError('inclusion', `the entry is not included at index ${tlogProof.index} in the checkpoint (${e.code}: ${e.message})`);
  }
  return { certificate, index: tlogProof.index, entry, checkpoint };
}
