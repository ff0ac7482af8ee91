// Hashing of one entry bundle, the bulk of a monitor's work: the RFC 9162 leaf hash of each
// entry and, for a full bundle of 256, the root of its subtree (the height-8 node). Pluggable so
// a driver can run it off the main thread (the Node driver uses worker threads:
// node/worker-bundle-hasher.ts); the default here hashes in place. Its results are never
// trusted alone: the scanner compares the leaves with the served tiles and the subtree roots
// with the level-1 tiles and, through the tree, with the checkpoint root.
import { nobleSha256, type Sha256Function } from './sha256-function.ts';

export interface BundleHashes {
  /** 32 bytes per entry: the leaf hashes, in order. */
  leaves: Uint8Array;
  /** For exactly 256 entries: the root of their subtree. */
  root?: Uint8Array;
}

export type BundleHasher = (entries: readonly Uint8Array[]) => BundleHashes | Promise<BundleHashes>;

/** Hashes in the calling thread with the given SHA-256. */
export function syncBundleHasher(sha256: Sha256Function = nobleSha256): BundleHasher {
  const input = new Uint8Array(1 + 0xffff);
  const node = new Uint8Array(65);
  node[0] = 0x01;
  return (entries) => {
    const n = entries.length;
    const leaves = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      const e = entries[i];
      input.set(e, 1);
      leaves.set(sha256(input.subarray(0, 1 + e.length)), i * 32);
    }
    if (n !== 256) return { leaves };
    let level = leaves;
    for (let width = 256; width > 1; width /= 2) {
      const next = new Uint8Array((width / 2) * 32);
      for (let j = 0; j < width / 2; j++) {
        node.set(level.subarray(j * 64, j * 64 + 64), 1);
        next.set(sha256(node), j * 32);
      }
      level = next;
    }
    return { leaves, root: level };
  };
}
