// Test aid: an in-memory transparency log built on the RFC 9162 reference tree, signing its
// checkpoints with a real Ed25519 note key (log/note-signer.ts). It can also sign a forked
// checkpoint (same size, other entries) to play a misbehaving log.
import { randomBytes } from 'node:crypto';
import { formatCheckpoint } from '@glasskey/verifier';
import { generateSigner, signNote, type NoteSigner } from '../../log/note-signer.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';

export class MemoryLog {
  readonly signer: NoteSigner;
  readonly tree = new ReferenceTree();

  constructor(readonly origin: string = `example.test/log-${randomBytes(4).toString('hex')}`, signer?: NoteSigner) {
    this.signer = signer ?? generateSigner(origin);
  }

  get size(): number {
    return this.tree.size;
  }

  get vkey(): string {
    return this.signer.vkey;
  }

  /** Appends `n` random entries. */
  append(n: number): this {
    for (let i = 0; i < n; i++) this.tree.append(new Uint8Array(randomBytes(16)));
    return this;
  }

  body(size = this.size): string {
    return formatCheckpoint({ origin: this.origin, size, root: this.tree.root(size) });
  }

  /** The signed checkpoint of the first `size` entries. */
  note(size = this.size, signers: readonly NoteSigner[] = [this.signer]): string {
    return signNote(this.body(size), signers);
  }

  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    return this.tree.consistencyProof(size1, size2);
  }

  /** A log sharing the first `common` entries with this one, then going its own way. */
  fork(common: number): MemoryLog {
    const other = new MemoryLog(this.origin, this.signer);
    for (const h of this.tree.leafHashes.slice(0, common)) other.tree.appendLeafHash(h);
    return other;
  }
}

/** An add-checkpoint request body. */
export function requestBody(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => Buffer.from(h).toString('base64') + '\n').join('')}\n${note}`;
}
