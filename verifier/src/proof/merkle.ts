// Merkle tree hashing and proof verification, RFC 9162 (RFC 6962) with SHA-256:
// leaf hash, node hash, empty root, inclusion proofs (2.1.3.2) and consistency proofs (2.1.4.2).
// Sizes and indices are u64 (number up to 2^53-1, or bigint up to 2^64-1). The proofs are
// checked with the equivalent "inner + border" decomposition of the RFC algorithms (as in
// transparency-dev/merkle), which fixes the expected proof length before any hashing.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from '../format/bytes.ts';
import { FormatError, ProofError } from '../errors.ts';

/** A tree size or leaf index: a non-negative safe integer number, or a bigint below 2^64. */
export type TreeSize = number | bigint;

export const MERKLE_HASH_SIZE = 32;
const HASH_SIZE = MERKLE_HASH_SIZE;

const LEAF_PREFIX = new Uint8Array([0x00]);
const EMPTY_ROOT = sha256(new Uint8Array(0));
const U64_LIMIT = 1n << 64n;
const MASK32 = 0xffffffffn;

// Scratch input for interior node hashes: 0x01 || left || right. JS runs one call at a time
// and sha256 is synchronous, so one buffer serves every call without allocating.
const NODE_INPUT = new Uint8Array(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = 0x01;

/** RFC 9162 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) throw new FormatError('bad-entry', 'leaf entry: not a Uint8Array');
  return sha256.create().update(LEAF_PREFIX).update(entry).digest();
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right); both children are 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  checkHash(left, 'node hash: left child');
  checkHash(right, 'node hash: right child');
  return hashChildren(left, right);
}

/** The root of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return EMPTY_ROOT.slice();
}

/**
 * Computes the root that an inclusion proof (audit path, ordered leaf to root) yields for the
 * leaf hash at `index` in a tree of `size` leaves. Throws FormatError for malformed arguments
 * and ProofError when index >= size or the proof has the wrong number of hashes.
 */
export function rootFromInclusionProof(
  index: TreeSize,
  size: TreeSize,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const leafIndex = toU64(index, 'inclusion proof: leaf index');
  const treeSize = toU64(size, 'inclusion proof: tree size');
  checkHash(leafHashValue, 'inclusion proof: leaf hash');
  checkProof(proof, 'inclusion proof');
  if (leafIndex >= treeSize) {
    throw new ProofError('index-out-of-range', `inclusion proof: leaf index ${leafIndex} is not below tree size ${treeSize}`);
  }
  // The path splits into `inner` hashes below the point where the leaf's path leaves the
  // right edge of the tree, then `border` left siblings along that edge (RFC 9162 2.1.3.2).
  const inner = bitLength(leafIndex ^ (treeSize - 1n));
  const border = popCount(leafIndex >> BigInt(inner));
  if (proof.length !== inner + border) {
    throw new ProofError(
      'wrong-proof-length',
      `inclusion proof: has ${proof.length} hashes, leaf ${leafIndex} in a tree of size ${treeSize} needs ${inner + border}`,
    );
  }
  const lo = Number(leafIndex & MASK32);
  const hi = Number(leafIndex >> 32n);
  let r = leafHashValue;
  for (let i = 0; i < inner; i++) r = bitAt(lo, hi, i) ? hashChildren(proof[i], r) : hashChildren(r, proof[i]);
  for (let i = inner; i < proof.length; i++) r = hashChildren(proof[i], r);
  return r;
}

/** Verifies an RFC 9162 inclusion proof; throws ProofError (or FormatError) naming what failed. */
export function verifyInclusion(
  index: TreeSize,
  size: TreeSize,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, 'inclusion proof: root');
  const computed = rootFromInclusionProof(index, size, leafHashValue, proof);
  if (!bytesEqual(computed, root)) {
    throw new ProofError(
      'root-mismatch',
      `inclusion proof: leaf ${index} in a tree of size ${size} does not lead to the expected root`,
    );
  }
}

/**
 * Verifies an RFC 9162 consistency proof that the tree of size1 (root1) is a prefix of the
 * tree of size2 (root2). Beyond the RFC: size1 == size2 needs an empty proof and equal roots;
 * size1 == 0 needs an empty proof and root1 = emptyRoot() and is then consistent with any tree
 * of a 32-byte root (tlog-witness `old 0`); the root of a size-0 tree must be emptyRoot();
 * size1 > size2 fails.
 */
export function verifyConsistency(
  size1: TreeSize,
  size2: TreeSize,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  const first = toU64(size1, 'consistency proof: size1');
  const second = toU64(size2, 'consistency proof: size2');
  checkBytes(root1, 'consistency proof: root1');
  checkBytes(root2, 'consistency proof: root2');
  checkProof(proof, 'consistency proof');
  if (first > second) {
    throw new ProofError('size-decreased', `consistency proof: size1 ${first} is larger than size2 ${second}`);
  }
  if (first === 0n) {
    if (proof.length !== 0) {
      throw new ProofError('wrong-proof-length', `consistency proof: from size 0 must be empty, has ${proof.length} hashes`);
    }
    if (!bytesEqual(root1, EMPTY_ROOT)) {
      throw new ProofError('root-mismatch', 'consistency proof: root1 of the size-0 tree is not the empty-tree root');
    }
    if (second === 0n) {
      if (!bytesEqual(root2, EMPTY_ROOT)) {
        throw new ProofError('root-mismatch', 'consistency proof: root2 of the size-0 tree is not the empty-tree root');
      }
    } else {
      checkHash(root2, 'consistency proof: root2');
    }
    return;
  }
  if (first === second) {
    // Like RFC 9162 implementations (and the transparency-dev vectors), equal sizes only need
    // equal roots; their length is not checked here.
    if (proof.length !== 0) {
      throw new ProofError('wrong-proof-length', `consistency proof: between equal sizes must be empty, has ${proof.length} hashes`);
    }
    if (!bytesEqual(root1, root2)) {
      throw new ProofError('root-mismatch', `consistency proof: sizes are equal (${first}) but the roots differ`);
    }
    return;
  }
  checkHash(root1, 'consistency proof: root1');
  checkHash(root2, 'consistency proof: root2');
  if (proof.length === 0) throw new ProofError('wrong-proof-length', 'consistency proof: is empty');

  // Decomposition of RFC 9162 2.1.4.2: the proof is the inclusion path of leaf size1-1 in the
  // tree of size2, minus the hashes below the largest complete subtree ending at size1
  // (`shift` levels), which the proof starts with instead (or which is root1 itself when
  // size1 is a power of two).
  const shift = trailingZeros(first);
  const inner = bitLength((first - 1n) ^ (second - 1n)) - shift;
  const border = popCount((first - 1n) >> BigInt(inner + shift));
  const seedFromRoot1 = first === 1n << BigInt(shift);
  const start = seedFromRoot1 ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new ProofError(
      'wrong-proof-length',
      `consistency proof: has ${proof.length} hashes, sizes ${first} -> ${second} need ${start + inner + border}`,
    );
  }
  const seed = seedFromRoot1 ? root1 : proof[0];
  const mask = (first - 1n) >> BigInt(shift);
  const lo = Number(mask & MASK32);
  const hi = Number(mask >> 32n);
  let fr = seed; // rebuilds root1: only left siblings count
  let sr = seed; // rebuilds root2: every sibling counts
  for (let i = 0; i < inner; i++) {
    const c = proof[start + i];
    if (bitAt(lo, hi, i)) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
    } else {
      sr = hashChildren(sr, c);
    }
  }
  for (let i = start + inner; i < proof.length; i++) {
    fr = hashChildren(proof[i], fr);
    sr = hashChildren(proof[i], sr);
  }
  if (!bytesEqual(fr, root1)) {
    throw new ProofError('root-mismatch', `consistency proof: does not lead to root1 of size ${first}`);
  }
  if (!bytesEqual(sr, root2)) {
    throw new ProofError('root-mismatch', `consistency proof: does not lead to root2 of size ${second}`);
  }
}

function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return sha256(NODE_INPUT);
}

function checkBytes(value: Uint8Array, what: string): void {
  if (!(value instanceof Uint8Array)) throw new FormatError('bad-hash', `${what}: not a Uint8Array`);
}

function checkHash(hash: Uint8Array, what: string): void {
  checkBytes(hash, what);
  if (hash.length !== HASH_SIZE) {
    throw new FormatError('bad-hash', `${what}: is ${hash.length} bytes, a SHA-256 hash is ${HASH_SIZE}`);
  }
}

function checkProof(proof: readonly Uint8Array[], what: string): void {
  if (!Array.isArray(proof)) throw new FormatError('bad-proof', `${what}: not an array of hashes`);
  for (let i = 0; i < proof.length; i++) checkHash(proof[i], `${what}: hash ${i}`);
}

function toU64(value: TreeSize, what: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new FormatError('bad-size', `${what}: ${value} is not a non-negative safe integer`);
    }
    return BigInt(value);
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value >= U64_LIMIT) throw new FormatError('bad-size', `${what}: ${value} is outside 0..2^64-1`);
    return value;
  }
  throw new FormatError('bad-size', `${what}: not a number or bigint`);
}

// Bit helpers over u64 values (as bigint, or split into 32-bit words for the hashing loops).
function bitLength(x: bigint): number {
  const hi = Number(x >> 32n);
  return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(x));
}

function popCount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function popCount(x: bigint): number {
  return popCount32(Number(x & MASK32)) + popCount32(Number(x >> 32n));
}

/** Number of trailing zero bits of x > 0. */
function trailingZeros(x: bigint): number {
  const lo = Number(x & MASK32);
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Number(x >> 32n);
  return 32 + 31 - Math.clz32(hi & -hi);
}

function bitAt(lo: number, hi: number, i: number): number {
  return i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1;
}
