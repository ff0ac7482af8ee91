// Which subtree hashes make up RFC 9162 proofs, as leaf ranges [start, end): PATH (2.1.3.1)
// for inclusion, PROOF/SUBPROOF (2.1.4.1) for consistency, written iteratively. Each range
// starts at a multiple of a power of two at least its length, so rangeNodes() splits it into
// the complete subtrees whose hashes the tiles hold. Pure arithmetic, no hashing.
import { largestPowerOfTwoBelow } from './tree-math.ts';

export type LeafRange = readonly [start: number, end: number];

/** The ranges whose MTHs form the inclusion proof of leaf `index` in a tree of `size` (index < size). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** The ranges whose MTHs form the consistency proof from size1 to size2 (0 < size1 < size2). */
export function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size2;
  let m = size1; // relative to lo
  let complete = true; // SUBPROOF's b: the old tree is still the whole left part
  for (;;) {
    if (m === hi - lo) {
      if (!complete) out.push([lo, hi]);
      break;
    }
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
      m -= k;
      complete = false;
    }
  }
  return out.reverse();
}
