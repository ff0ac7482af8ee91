// Split-view evidence: two checkpoints signed by the same log key that cannot both be true.
// JSON-serializable, checkable by anyone with the log's key (verifySplitViewEvidence):
//   { format: 'glasskey-split-view-evidence/v1',
//     first:  signed checkpoint note of the smaller (or equal) size, verbatim,
//     second: signed checkpoint note of the larger (or equal) size,
//     firstRootInSecond: base64 root X of the first `first.size` leaves of second's tree,
//     proof: base64 hashes of an RFC 9162 consistency proof from (first.size, X) to second }
// It proves a split view when both notes carry valid log signatures, the proof verifies from
// X to second's root (so X is second's tree at first's size), and X differs from first's root.
// Equal sizes: X is second's root and the proof is empty, so it says "same size, two roots".
// A proof that merely fails proves nothing (anyone can send garbage), which is why evidence
// carries X with a proof that verifies: findSplitViewEvidence derives X from failing proofs
// where the data allows it (split-view-roots.ts) or from a source that can compute it (tiles).
import { base64Decode, base64Encode, bytesEqual } from '../format/bytes.ts';
import { parseCheckpoint } from '../format/checkpoint.ts';
import { FormatError, ProofError, SignatureError, VerificationError } from '../errors.ts';
import { emptyRoot, verifyConsistency } from '../proof/merkle.ts';
import { verifyNote } from '../format/note.ts';
import { keyIdHex, type NoteVerifier } from '../format/note-key.ts';
import type { Policy } from './policy.ts';
import { isPowerOfTwo, rootFromConsistencyProof, rootFromPredecessorProof } from '../proof/split-view-roots.ts';

export const SPLIT_VIEW_EVIDENCE_FORMAT = 'glasskey-split-view-evidence/v1';

export interface SplitViewEvidence {
  format: typeof SPLIT_VIEW_EVIDENCE_FORMAT;
  first: string;
  second: string;
  firstRootInSecond: string;
  proof: string[];
}

/** A checkpoint with its signed note; an OpenedCheckpoint is one. */
export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  note: string;
}

export interface VerifiedSplitView {
  origin: string;
  first: { size: number; root: Uint8Array };
  second: { size: number; root: Uint8Array };
  /** The root second's tree has at first's size (equals second.root for equal sizes). */
  firstRootInSecond: Uint8Array;
  kind: 'same-size-different-roots' | 'inconsistent-prefix';
}

/** Thrown when two checkpoints of one log are shown to be inconsistent; carries the evidence. */
export class SplitViewError extends ProofError {
  readonly evidence: SplitViewEvidence;
  constructor(evidence: SplitViewEvidence, message?: string) {
    super('split-view', message ?? 'split view: the log signed two checkpoints that cannot both be true');
    this.evidence = evidence;
  }
}

export type ConsistencyProofFetcher = (size1: number, size2: number) => Promise<Uint8Array[]>;

/** Where consistency proofs come from; rootAt (e.g. from tiles) helps build evidence for any size. */
export interface ConsistencyProofSource {
  consistencyProof: ConsistencyProofFetcher;
  /** The root of the first `size` leaves of the tree of `treeSize` leaves. */
  rootAt?: (size: number, treeSize: number) => Promise<Uint8Array>;
}

export function toProofSource(source: ConsistencyProofFetcher | ConsistencyProofSource): ConsistencyProofSource {
  return typeof source === 'function' ? { consistencyProof: source } : source;
}

/**
 * Opens a note with the log key (no quorum, no freshness: what evidence needs). Signatures of
 * `otherKeys` (e.g. the policy's witnesses) present on the note must verify too.
 */
export function readSignedCheckpoint(note: string, logKey: NoteVerifier, otherKeys: readonly NoteVerifier[] = []): SignedCheckpoint {
  const opened = verifyNote(note, [logKey, ...otherKeys]);
  if (!opened.verified.some((s) => s.name === logKey.name && s.keyId === logKey.keyId))
    throw new SignatureError('missing-log-signature', `checkpoint is not signed by the log key ${logKey.name}+${keyIdHex(logKey.keyId)}`);
  const cp = parseCheckpoint(opened.text);
  if (cp.origin !== logKey.name)
    throw new SignatureError('origin-mismatch', `checkpoint origin ${JSON.stringify(cp.origin)} is not the log key name`);
  return { origin: cp.origin, size: cp.size, root: cp.root, note };
}

export function makeSplitViewEvidence(
  first: SignedCheckpoint,
  second: SignedCheckpoint,
  firstRootInSecond: Uint8Array,
  proof: readonly Uint8Array[],
): SplitViewEvidence {
  if (first.size > second.size) throw new FormatError('bad-evidence', 'split-view evidence: first must not be larger than second');
  return {
    format: SPLIT_VIEW_EVIDENCE_FORMAT,
    first: first.note,
    second: second.note,
    firstRootInSecond: base64Encode(firstRootInSecond),
    proof: proof.map(base64Encode),
  };
}

function bad(why: string): never {
  throw new FormatError('bad-evidence', `split-view evidence: ${why}`);
}

function b64Hash(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string') bad(`${what} is not a string`);
  let h: Uint8Array;
  try {
    h = base64Decode(text, what);
  } catch {
    bad(`${what} is not canonical base64`);
  }
  if (h.length !== 32) bad(`${what} is not 32 bytes`);
  return h;
}

/**
 * Checks evidence (a SplitViewEvidence or its parsed JSON) under the log key, or a policy's
 * (then cosignatures of the policy's witnesses on the notes must verify too; they are not
 * needed: the log's two signatures are the evidence).
 * Returns what it proves; throws FormatError 'bad-evidence', a SignatureError when a note is
 * not signed by the log, or ProofError 'not-a-split-view' when the checkpoints are consistent
 * or the proof does not establish otherwise.
 */
export function verifySplitViewEvidence(evidence: unknown, key: Policy | NoteVerifier): VerifiedSplitView {
  const isPolicy = 'log' in key && 'witnesses' in key;
  const logKey: NoteVerifier = isPolicy ? key.log.verifier : (key as NoteVerifier);
  const witnesses = isPolicy ? key.witnesses.map((w) => w.verifier) : [];
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) bad('not an object');
  const e = evidence as Record<string, unknown>;
  if (e.format !== SPLIT_VIEW_EVIDENCE_FORMAT) bad(`format is not ${SPLIT_VIEW_EVIDENCE_FORMAT}`);
  if (typeof e.first !== 'string' || typeof e.second !== 'string') bad('first and second must be signed checkpoint notes');
  if (!Array.isArray(e.proof)) bad('proof must be an array of base64 hashes');
  const x = b64Hash(e.firstRootInSecond, 'firstRootInSecond');
  const proof = e.proof.map((h, i) => b64Hash(h, `proof hash ${i}`));
  const first = readSignedCheckpoint(e.first, logKey, witnesses);
  const second = readSignedCheckpoint(e.second, logKey, witnesses);
  if (first.size > second.size) bad('first is larger than second');
  try {
    verifyConsistency(first.size, second.size, x, second.root, proof);
  } catch (err) {
    if (!(err instanceof VerificationError)) throw err;
    throw new ProofError('not-a-split-view', `split-view evidence: the proof does not lead from firstRootInSecond to second's root (${err.message})`);
  }
  if (bytesEqual(x, first.root))
    throw new ProofError('not-a-split-view', 'split-view evidence: the checkpoints are consistent (first is a prefix of second)');
  return {
    origin: first.origin,
    first: { size: first.size, root: first.root },
    second: { size: second.size, root: second.root },
    firstRootInSecond: x,
    kind: first.size === second.size ? 'same-size-different-roots' : 'inconsistent-prefix',
  };
}

export function formatSplitViewEvidence(evidence: SplitViewEvidence): string {
  return JSON.stringify(evidence, null, 2) + '\n';
}

/** Parses evidence JSON (shape only; verify it with verifySplitViewEvidence). */
export function parseSplitViewEvidence(text: string): SplitViewEvidence {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    bad('not JSON');
  }
  if (typeof v !== 'object' || v === null) bad('not an object');
  const e = v as Record<string, unknown>;
  if (e.format !== SPLIT_VIEW_EVIDENCE_FORMAT || typeof e.first !== 'string' || typeof e.second !== 'string')
    bad('missing format, first or second');
  if (typeof e.firstRootInSecond !== 'string' || !Array.isArray(e.proof) || !e.proof.every((h) => typeof h === 'string'))
    bad('missing firstRootInSecond or proof');
  return {
    format: SPLIT_VIEW_EVIDENCE_FORMAT,
    first: e.first,
    second: e.second,
    firstRootInSecond: e.firstRootInSecond,
    proof: e.proof as string[],
  };
}

function proves(small: SignedCheckpoint, big: SignedCheckpoint, x: Uint8Array, proof: readonly Uint8Array[]): boolean {
  try {
    verifyConsistency(small.size, big.size, x, big.root, proof);
    return true;
  } catch (e) {
    if (e instanceof VerificationError) return false;
    throw e;
  }
}

async function attempt<T>(f: () => Promise<T> | T): Promise<T | null> {
  try {
    return await f();
  } catch {
    return null;
  }
}

/**
 * Decides whether two checkpoints of one log (in any order) are consistent, using proofs of the
 * larger one's tree: 'consistent', evidence of a split view, or null when the proofs available
 * do not establish either (a faulty or lying proof source). `failedProof` is a proof between
 * them that already failed, tried first.
 */
export async function findSplitViewEvidence(
  a: SignedCheckpoint,
  b: SignedCheckpoint,
  source: ConsistencyProofSource,
  failedProof?: readonly Uint8Array[],
): Promise<SplitViewEvidence | 'consistent' | null> {
  if (a.origin !== b.origin) throw new FormatError('origin-mismatch', 'checkpoints of two different logs cannot be compared');
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const m = small.size;
  const n = big.size;
  const decide = (x: Uint8Array, proof: readonly Uint8Array[]) =>
    bytesEqual(x, small.root) ? ('consistent' as const) : makeSplitViewEvidence(small, big, x, proof);
  if (m === n) return decide(big.root, []);
  if (m === 0) return decide(emptyRoot(), []);

  const candidates: (() => Promise<{ x: Uint8Array; proof: readonly Uint8Array[] } | null>)[] = [
    async () => {
      if (!failedProof) return null;
      const x = rootFromConsistencyProof(m, n, failedProof);
      return x && { x, proof: failedProof };
    },
    async () => {
      if (!source.rootAt) return null;
      const x = await source.rootAt(m, n);
      return { x, proof: await source.consistencyProof(m, n) };
    },
    async () => {
      if (isPowerOfTwo(m)) {
        const r = rootFromPredecessorProof(m, n, await source.consistencyProof(m - 1, n));
        return r && { x: r.root, proof: r.proof };
      }
      if (failedProof) return null; // already tried the proof m -> n
      const proof = await source.consistencyProof(m, n);
      const x = rootFromConsistencyProof(m, n, proof);
      return x && { x, proof };
    },
  ];
  for (const candidate of candidates) {
    const c = await attempt(candidate);
    if (c && proves(small, big, c.x, c.proof)) return decide(c.x, c.proof);
  }
  return null;
}
