// The right edge of a Merkle tree (a "compact range" over [0, size)): the roots of the perfect
// subtrees the first `size` leaves decompose into, largest first, one per set bit of size. It
// is all a monitor needs to keep to continue hashing a log where it stopped: appending leaf
// hashes merges equal-height subtrees (RFC 9162 node hashes), and folding the edge from the
// right gives the tree root. appendLeafHash reports every completed node (height, index), so a
// scanner can compare them with the hash tiles the server serves.
import { base64Decode, base64Encode } from '../format/bytes.ts';
import { FormatError } from '../errors.ts';
import { emptyRoot } from './merkle.ts';
import { nobleSha256, type Sha256Function } from './sha256-function.ts';

const HASH_SIZE = 32;

function popCount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n % 2;
    n = Math.floor(n / 2);
  }
  return c;
}

export type NodeCallback = (height: number, index: number, hash: Uint8Array) => void;

export class CompactRange {
  private count: number;
  private readonly hashes: Uint8Array[];
  private readonly sha256: Sha256Function;
  private readonly scratch = new Uint8Array(1 + 2 * HASH_SIZE);

  /** An edge for `size` leaves; `hashes` are the perfect subtree roots, largest first. */
  constructor(size = 0, hashes: readonly Uint8Array[] = [], sha256: Sha256Function = nobleSha256) {
    if (!Number.isSafeInteger(size) || size < 0) throw new FormatError('bad-edge', `tree edge: size ${size} is not a non-negative integer`);
    if (hashes.length !== popCount(size))
      throw new FormatError('bad-edge', `tree edge: size ${size} needs ${popCount(size)} hashes, got ${hashes.length}`);
    for (const h of hashes) {
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new FormatError('bad-edge', 'tree edge: a hash is not 32 bytes');
    }
    this.count = size;
    this.hashes = hashes.map((h) => h.slice());
    this.sha256 = sha256;
    this.scratch[0] = 0x01;
  }

  static fromBase64(size: number, edge: readonly string[], sha256?: Sha256Function): CompactRange {
    let hashes: Uint8Array[];
    try {
      hashes = edge.map((h) => base64Decode(h, 'edge hash'));
    } catch {
      throw new FormatError('bad-edge', 'tree edge: a hash is not base64');
    }
    return new CompactRange(size, hashes, sha256);
  }

  get size(): number {
    return this.count;
  }

  edge(): Uint8Array[] {
    return this.hashes.map((h) => h.slice());
  }

  edgeBase64(): string[] {
    return this.hashes.map(base64Encode);
  }

  clone(): CompactRange {
    return new CompactRange(this.count, this.hashes, this.sha256);
  }

  private node(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.scratch.set(left, 1);
    this.scratch.set(right, 1 + HASH_SIZE);
    return this.sha256(this.scratch);
  }

  /** Appends leaf `size` (its RFC 9162 leaf hash); onNode sees each completed node of height >= 1. */
  appendLeafHash(leafHash: Uint8Array, onNode?: NodeCallback): void {
    const leafIndex = this.count;
    let h = leafHash;
    let s = leafIndex;
    let height = 0;
    while (s % 2 === 1) {
      h = this.node(this.hashes.pop()!, h);
      height++;
      s = (s - 1) / 2;
      if (onNode) onNode(height, Math.floor(leafIndex / 2 ** height), h);
    }
    this.hashes.push(h);
    this.count++;
  }

  /**
   * Appends a whole perfect subtree of 2^height leaves by its root; the size must be a multiple
   * of 2^height. onNode sees the subtree root itself and each node completed above it.
   */
  appendSubtree(height: number, hash: Uint8Array, onNode?: NodeCallback): void {
    const span = 2 ** height;
    if (this.count % span !== 0) throw new RangeError(`tree edge: a subtree of height ${height} cannot start at ${this.count}`);
    const last = this.count + span - 1;
    let h = hash;
    let s = this.count / span;
    let at = height;
    if (onNode && height > 0) onNode(height, s, h);
    while (s % 2 === 1) {
      h = this.node(this.hashes.pop()!, h);
      at++;
      s = (s - 1) / 2;
      if (onNode) onNode(at, Math.floor(last / 2 ** at), h);
    }
    this.hashes.push(h);
    this.count += span;
  }

  /** The RFC 9162 root of the first `size` leaves. */
  root(): Uint8Array {
    if (this.hashes.length === 0) return emptyRoot();
    let r = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) r = this.node(this.hashes[i], r);
    return r.slice();
  }
}
