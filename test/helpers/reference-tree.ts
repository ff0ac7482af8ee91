// Test oracle: a deliberately simple in-memory Merkle tree written straight from RFC 9162,
// independent of verifier/src/merkle.ts (it hashes with @noble/hashes directly).
//  - MTH (2.1.1): recursive Merkle Tree Hash over leaf hashes.
//  - PATH (2.1.3.1): inclusion proof; PROOF/SUBPROOF (2.1.4.1): consistency proof.
//  - rfcRootFromInclusionProof / rfcRootsFromConsistencyProof: the verification algorithms of
//    2.1.3.2 / 2.1.4.2 written out literally (fn/sn bit shifting on bigint), returning the
//    roots they compute, for differential tests against the verifier.
// Usage:
//   const tree = ReferenceTree.fromEntries(entries);      // or fromLeafHashes(hashes)
//   tree.root(5); tree.inclusionProof(3, 5); tree.consistencyProof(2, 5);
//   referenceRoot(leafHashes, 5); referenceInclusionProof(leafHashes, 3, 5); ...
// Sizes default to the number of leaves. Results are fresh copies. Bad arguments throw plain
// Errors (this is a test aid).
import { sha256 } from '@noble/hashes/sha2.js';

/** SHA-256(0x00 || entry), RFC 9162 2.1.1. */
export function referenceLeafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input.set(entry, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right), RFC 9162 2.1.1. */
export function referenceNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The largest power of two strictly smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leaves [start, start+n): hashes the subtree with the given leaf hashes. */
type SubtreeHash = (start: number, n: number) => Uint8Array;

function mth(leafHashes: readonly Uint8Array[], start: number, n: number): Uint8Array {
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return leafHashes[start];
  const k = largestPowerOfTwoBelow(n);
  return referenceNodeHash(mth(leafHashes, start, k), mth(leafHashes, start + k, n - k));
}

// PATH(m, D[start:start+n]), RFC 9162 2.1.3.1.
function path(sub: SubtreeHash, m: number, start: number, n: number): Uint8Array[] {
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  if (m < k) return [...path(sub, m, start, k), sub(start + k, n - k)];
  return [...path(sub, m - k, start + k, n - k), sub(start, k)];
}

// SUBPROOF(m, D[start:start+n], b), RFC 9162 2.1.4.1.
function subproof(sub: SubtreeHash, m: number, start: number, n: number, b: boolean): Uint8Array[] {
  if (m === n) return b ? [] : [sub(start, m)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...subproof(sub, m, start, k, b), sub(start + k, n - k)];
  return [...subproof(sub, m - k, start + k, n - k, false), sub(start, k)];
}

// Results are fresh copies, so callers may flip bits in them without touching the tree.
function copies(hashes: Uint8Array[]): Uint8Array[] {
  return hashes.map((h) => h.slice());
}

function checkSize(size: number, leaves: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > leaves) throw new Error(`${what} ${size} is not 0..${leaves}`);
}

/** MTH of the first `size` leaf hashes (size 0 gives SHA-256("")). */
export function referenceRoot(leafHashes: readonly Uint8Array[], size = leafHashes.length): Uint8Array {
  checkSize(size, leafHashes.length, 'size');
  return mth(leafHashes, 0, size).slice();
}

/** PATH(index, D[size]): the inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export function referenceInclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  size = leafHashes.length,
): Uint8Array[] {
  checkSize(size, leafHashes.length, 'size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new Error(`index ${index} is not below size ${size}`);
  return copies(path((s, n) => mth(leafHashes, s, n), index, 0, size));
}

/**
 * PROOF(size1, D[size2]): the consistency proof from the first `size1` leaves to the first
 * `size2`. Empty when size1 == size2 and, by glasskey's rule, when size1 == 0.
 */
export function referenceConsistencyProof(
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2 = leafHashes.length,
): Uint8Array[] {
  checkSize(size2, leafHashes.length, 'size2');
  checkSize(size1, size2, 'size1');
  if (size1 === 0) return [];
  return copies(subproof((s, n) => mth(leafHashes, s, n), size1, 0, size2, true));
}

/** The same oracle as a growable tree that caches subtree hashes (each range's MTH never changes). */
export class ReferenceTree {
  readonly leafHashes: Uint8Array[] = [];
  private readonly cache = new Map<string, Uint8Array>();
  private readonly sub: SubtreeHash = (start, n) => this.subtreeHash(start, n);

  static fromEntries(entries: readonly Uint8Array[]): ReferenceTree {
    const t = new ReferenceTree();
    for (const e of entries) t.append(e);
    return t;
  }

  static fromLeafHashes(hashes: readonly Uint8Array[]): ReferenceTree {
    const t = new ReferenceTree();
    for (const h of hashes) t.appendLeafHash(h);
    return t;
  }

  get size(): number {
    return this.leafHashes.length;
  }

  append(entry: Uint8Array): void {
    this.leafHashes.push(referenceLeafHash(entry));
  }

  appendLeafHash(hash: Uint8Array): void {
    if (hash.length !== 32) throw new Error('leaf hash must be 32 bytes');
    this.leafHashes.push(hash.slice());
  }

  /** MTH of leaves [start, start+n). */
  subtreeHash(start: number, n: number): Uint8Array {
    if (start < 0 || n < 0 || start + n > this.size) throw new Error(`range [${start}, ${start + n}) is outside the tree`);
    if (n === 0) return sha256(new Uint8Array(0));
    if (n === 1) return this.leafHashes[start];
    const key = `${start}:${n}`;
    let h = this.cache.get(key);
    if (!h) {
      const k = largestPowerOfTwoBelow(n);
      h = referenceNodeHash(this.subtreeHash(start, k), this.subtreeHash(start + k, n - k));
      this.cache.set(key, h);
    }
    return h;
  }

  root(size = this.size): Uint8Array {
    checkSize(size, this.size, 'size');
    return this.subtreeHash(0, size).slice();
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    checkSize(size, this.size, 'size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new Error(`index ${index} is not below size ${size}`);
    return copies(path(this.sub, index, 0, size));
  }

  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    checkSize(size2, this.size, 'size2');
    checkSize(size1, size2, 'size1');
    if (size1 === 0) return [];
    return copies(subproof(this.sub, size1, 0, size2, true));
  }
}

/**
 * RFC 9162 2.1.3.2 step by step: the root an inclusion proof leads to, or null where the
 * algorithm fails before comparing roots (index >= size, path too long or too short).
 */
export function rfcRootFromInclusionProof(
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = referenceNodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while (!((fn & 1n) === 1n || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = referenceNodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/**
 * RFC 9162 2.1.4.2 step by step for 0 < first < second: the two roots (fr, sr) a consistency
 * proof leads to, or null where the algorithm fails before comparing roots.
 */
export function rfcRootsFromConsistencyProof(
  first: bigint,
  second: bigint,
  firstHash: Uint8Array,
  proof: readonly Uint8Array[],
): { fr: Uint8Array; sr: Uint8Array } | null {
  if (!(0n < first && first < second)) throw new Error('rfcRootsFromConsistencyProof needs 0 < first < second');
  if (proof.length === 0) return null;
  const path = (first & (first - 1n)) === 0n ? [firstHash, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = referenceNodeHash(c, fr);
      sr = referenceNodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while (!((fn & 1n) === 1n || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = referenceNodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? { fr, sr } : null;
}
