// Recovering "the root of the first m leaves of tree B" from consistency proofs that do NOT
// verify against a client's checkpoint A of size m. A failing proof alone proves nothing (anyone
// can send garbage); but a proof that leads to B's root while implying another size-m root X
// than A's is evidence that A and B cannot both be true. These helpers find that X:
//  - rootFromConsistencyProof: when m is not a power of two the proof carries the seed, so X is
//    computed as RFC 9162 2.1.4.2 computes fr (same inner/border decomposition as merkle.ts);
//  - rootFromPredecessorProof: when m = 2^k >= 4 the RFC proof elides the seed; the proof from
//    m-1 to n carries the hashes below [0, m), so X is folded from its first k+1 hashes and the
//    RFC proof m -> n is the rest of it.
// Results are only candidates: callers check them with verifyConsistency (split-view.ts does).
import { sha256 } from '@noble/hashes/sha2.js';

const HASH_SIZE = 32;

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_SIZE);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return sha256(input);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function popCount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === '1') n++;
  return n;
}

function trailingZeros(x: bigint): number {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (BigInt(n) & (BigInt(n) - 1n)) === 0n;
}

function wellFormed(size1: number, size2: number, proof: readonly Uint8Array[]): boolean {
  return (
    Number.isSafeInteger(size1) &&
    Number.isSafeInteger(size2) &&
    size1 > 0 &&
    size1 < size2 &&
    Array.isArray(proof) &&
    proof.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE)
  );
}

/**
 * The size1 root that an RFC 9162 consistency proof from size1 to size2 implies, or null when
 * size1 is a power of two (the proof does not carry it), or the proof has the wrong shape.
 */
export function rootFromConsistencyProof(size1: number, size2: number, proof: readonly Uint8Array[]): Uint8Array | null {
  if (!wellFormed(size1, size2, proof) || isPowerOfTwo(size1)) return null;
  const first = BigInt(size1);
  const second = BigInt(size2);
  const shift = trailingZeros(first);
  const inner = bitLength((first - 1n) ^ (second - 1n)) - shift;
  const mask = (first - 1n) >> BigInt(shift);
  const border = popCount(mask >> BigInt(inner));
  if (proof.length !== 1 + inner + border) return null;
  let fr = proof[0];
  for (let i = 0; i < inner; i++) if ((mask >> BigInt(i)) & 1n) fr = nodeHash(proof[1 + i], fr);
  for (let i = 1 + inner; i < proof.length; i++) fr = nodeHash(proof[i], fr);
  return fr;
}

/**
 * For size1 = 2^k >= 4: from the RFC proof from size1-1 to size2, the root X of the first size1
 * leaves and the RFC proof from size1 to size2 (the hashes above [0, size1)). Null if the
 * shape does not fit.
 */
export function rootFromPredecessorProof(
  size1: number,
  size2: number,
  predecessorProof: readonly Uint8Array[],
): { root: Uint8Array; proof: Uint8Array[] } | null {
  if (!isPowerOfTwo(size1) || size1 < 4 || !wellFormed(size1 - 1, size2, predecessorProof) || size1 >= size2) return null;
  const k = trailingZeros(BigInt(size1));
  if (predecessorProof.length < k + 1) return null;
  // Seed: leaf size1-2; its right sibling (leaf size1-1); then k-1 left siblings up to [0, size1).
  let x = nodeHash(predecessorProof[0], predecessorProof[1]);
  for (let i = 2; i <= k; i++) x = nodeHash(predecessorProof[i], x);
  return { root: x, proof: predecessorProof.slice(k + 1) };
}
