// HeadStore: per log origin, the newest checkpoint this client has verified, kept in a
// pluggable KeyValueStorage (memory, localStorage, or a JSON file in Node). It is how clients
// gossip: every checkpoint a client sees afterwards, from the log, witnesses or monitors, must
// be consistent with it.
//  - update(cp, proofs): accept cp as the new head. Needs a consistency proof from the stored
//    head (fetched through the caller's function); a smaller size is a RollbackError; an equal
//    size with another root, or a proof that shows cp's tree has another prefix, is a
//    SplitViewError carrying SplitViewEvidence; a proof that fails without showing anything is
//    a ProofError 'inconsistent-checkpoint' (cp is not accepted).
//  - compare(cp, proofs): check cp (from another source, any size) against the head without
//    storing it; proofs must come from the larger tree.
// update expects a checkpoint the caller verified under its policy (openCheckpoint); both
// methods run one at a time per HeadStore.
import { base64Encode, bytesEqual } from '../format/bytes.ts';
import { parseCheckpoint } from '../format/checkpoint.ts';
import { FormatError, PolicyError, ProofError, VerificationError } from '../errors.ts';
import { verifyConsistency } from '../proof/merkle.ts';
import { parseNote } from '../format/note.ts';
import {
  findSplitViewEvidence,
  SplitViewError,
  toProofSource,
  type ConsistencyProofFetcher,
  type ConsistencyProofSource,
  type SignedCheckpoint,
} from './split-view.ts';
import type { KeyValueStorage } from './storage.ts';

export const HEAD_FORMAT = 'glasskey-head/v1';

/** A checkpoint offered to the client is smaller than the one it already verified. */
export class RollbackError extends PolicyError {
  readonly origin: string;
  readonly storedSize: number;
  readonly offeredSize: number;
  constructor(origin: string, storedSize: number, offeredSize: number) {
    super('rollback', `rollback: ${origin} offered a checkpoint of size ${offeredSize}, smaller than the verified ${storedSize}`);
    this.origin = origin;
    this.storedSize = storedSize;
    this.offeredSize = offeredSize;
  }
}

export type HeadUpdate =
  | { status: 'first'; head: SignedCheckpoint }
  | { status: 'same'; head: SignedCheckpoint }
  | { status: 'advanced'; head: SignedCheckpoint; previousSize: number };

export type HeadComparison = 'no-head' | 'same' | 'older-consistent' | 'newer-consistent';

export class HeadStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: KeyValueStorage) {}

  private key(origin: string): string {
    return `head:${origin}`;
  }

  /** Runs one operation at a time, so two updates cannot interleave their read and write. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The stored head for an origin, if any. */
  async head(origin: string): Promise<SignedCheckpoint | undefined> {
    const raw = await this.storage.get(this.key(origin));
    if (raw === null || raw === undefined) return undefined;
    let note: unknown;
    try {
      const parsed = JSON.parse(raw) as { format?: unknown; note?: unknown };
      if (parsed.format !== HEAD_FORMAT) throw new Error('format');
      note = parsed.note;
    } catch {
      throw new FormatError('bad-head-store', `head store: the entry for ${origin} is not a ${HEAD_FORMAT} record`);
    }
    if (typeof note !== 'string') throw new FormatError('bad-head-store', `head store: the entry for ${origin} has no note`);
    const cp = parseCheckpoint(parseNote(note).text);
    if (cp.origin !== origin) throw new FormatError('bad-head-store', `head store: the entry for ${origin} holds a checkpoint of ${cp.origin}`);
    return { origin, size: cp.size, root: cp.root, note };
  }

  private async save(cp: SignedCheckpoint): Promise<void> {
    await this.storage.set(this.key(cp.origin), JSON.stringify({ format: HEAD_FORMAT, note: cp.note }));
  }

  update(cp: SignedCheckpoint, proofs: ConsistencyProofFetcher | ConsistencyProofSource): Promise<HeadUpdate> {
    return this.serial(async () => {
      const stored = await this.head(cp.origin);
      if (!stored) {
        await this.save(cp);
        return { status: 'first', head: cp };
      }
      if (cp.size < stored.size) throw new RollbackError(cp.origin, stored.size, cp.size);
      if (cp.size === stored.size) {
        if (!bytesEqual(cp.root, stored.root)) throw await splitView(stored, cp, toProofSource(proofs));
        await this.save(cp); // same tree; keep the newer note (fresher cosignatures)
        return { status: 'same', head: cp };
      }
      await checkConsistent(stored, cp, toProofSource(proofs));
      await this.save(cp);
      return { status: 'advanced', head: cp, previousSize: stored.size };
    });
  }

  compare(cp: SignedCheckpoint, proofs: ConsistencyProofFetcher | ConsistencyProofSource): Promise<HeadComparison> {
    return this.serial(async () => {
      const stored = await this.head(cp.origin);
      if (!stored) return 'no-head';
      if (cp.size === stored.size) {
        if (!bytesEqual(cp.root, stored.root)) throw await splitView(stored, cp, toProofSource(proofs));
        return 'same';
      }
      const [small, big] = cp.size < stored.size ? [cp, stored] : [stored, cp];
      await checkConsistent(small, big, toProofSource(proofs));
      return cp.size < stored.size ? 'older-consistent' : 'newer-consistent';
    });
  }
}

async function splitView(a: SignedCheckpoint, b: SignedCheckpoint, source: ConsistencyProofSource): Promise<SplitViewError> {
  const evidence = await findSplitViewEvidence(a, b, source);
  if (evidence === null || evidence === 'consistent') throw new Error('unreachable: equal sizes with different roots');
  return new SplitViewError(
    evidence,
    `split view: ${a.origin} signed two checkpoints of size ${a.size} with different roots (${base64Encode(a.root)} and ${base64Encode(b.root)})`,
  );
}

/** Verifies small is a prefix of big with a fetched proof; otherwise SplitViewError or ProofError. */
async function checkConsistent(small: SignedCheckpoint, big: SignedCheckpoint, source: ConsistencyProofSource): Promise<void> {
  const proof = small.size === 0 ? [] : await source.consistencyProof(small.size, big.size);
  try {
    verifyConsistency(small.size, big.size, small.root, big.root, proof);
    return;
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    const found = await findSplitViewEvidence(small, big, source, proof);
    if (found === 'consistent') return;
    if (found !== null)
      throw new SplitViewError(
        found,
        `split view: ${small.origin}'s checkpoint of size ${big.size} does not extend the one of size ${small.size} (different tree at size ${small.size})`,
      );
    throw new ProofError(
      'inconsistent-checkpoint',
      `could not verify that the checkpoint of size ${big.size} extends the one of size ${small.size} (${e.message}); the proofs given do not show a split view either`,
    );
  }
}
