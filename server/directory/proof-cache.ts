// Inclusion proofs for lookups, fast. An RFC 9162 inclusion proof of leaf i in a tree of size
// n lists the sibling hashes from the leaf up. When i lies in a full tile (tlog-tiles: 256
// leaves, height 8; (i >> 8) * 256 + 256 <= n), the RFC's recursion reaches that tile's
// perfect subtree exactly, so the first 8 hashes are siblings inside the tile (complete nodes
// the tile holds) and the rest is the proof of the tile's subtree in the tree of n: the same
// for all 256 leaves of the tile. So the lines above the tile are kept per (tile, n), and the
// 8 below are read from the log's in-process tile cache (log/tile-cache.ts) by position: no
// hashing and no query for a warm lookup, whatever the distribution of the addresses looked up.
// Leaves of the partial tile at the right edge, and anything not in the caches, take the log's
// inclusionProof(). Only proofs for tree sizes the caller asks for (the served checkpoint)
// are kept; a larger size drops the rest (the log is append-only, so nothing kept can go stale).
import type { Sql } from 'postgres';
import { inclusionProof, tileCacheOf } from '../../log/index.ts';

/** tlog-tiles tile height and width. */
const TILE_HEIGHT = 8;
const TILE_WIDTH = 1 << TILE_HEIGHT;
const HASH_SIZE = 32;

/** Default bound: 65,536 tiles' upper proof lines (16,777,216 leaves), at most ~45 MiB at that size. */
export const DEFAULT_PROOF_CACHE_TILES = 65536;

/** Standard base64 with padding (the same text as the verifier's base64Encode), on node's Buffer. */
export function base64(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64');
}

/** Hash lines of a tlog-proof, each ending in a newline. */
export function hashLines(proof: readonly Uint8Array[]): string {
  let out = '';
  for (const hash of proof) {
    if (hash.length !== HASH_SIZE) throw new Error(`proof hash of ${hash.length} bytes`);
    out += `${base64(hash)}\n`;
  }
  return out;
}

/** The `index` line and the hash lines of a tlog-proof (c2sp.org/tlog-proof@v1), each line ending in a newline. */
export function proofLines(index: number, proof: readonly Uint8Array[]): string {
  return `index ${index}\n${hashLines(proof)}`;
}

/** Per tile, the hash lines of the proof above it, for one tree size at a time. LRU, bounded. */
export class ProofCache {
  private readonly map = new Map<number, string>();
  private treeSize = -1;
  hits = 0;
  misses = 0;

  constructor(public maxTiles = DEFAULT_PROOF_CACHE_TILES) {}

  get(tile: number, size: number): string | undefined {
    const text = size === this.treeSize ? this.map.get(tile) : undefined;
    if (text === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(tile);
    this.map.set(tile, text);
    return text;
  }

  put(tile: number, size: number, text: string): void {
    if (size < this.treeSize) return; // an older checkpoint than the newest seen: not kept
    if (size > this.treeSize) this.clear(size);
    this.map.delete(tile);
    this.map.set(tile, text);
    while (this.map.size > this.maxTiles) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }

  /** The tree size the cached lines are for (-1: none yet). */
  get forSize(): number {
    return this.treeSize;
  }

  clear(size = -1): void {
    this.map.clear();
    this.treeSize = size;
  }
}

const caches = new WeakMap<Sql, ProofCache>();

/** The proof cache of a connection pool (created on first use). */
export function proofCacheOf(sql: Sql): ProofCache {
  let c = caches.get(sql);
  if (!c) caches.set(sql, (c = new ProofCache()));
  return c;
}

/**
 * proofLines(index, await inclusionProof(sql, index, size)), from the caches when it can
 * (test/directory/lookup-proof.test.ts compares the two on many trees).
 */
export async function inclusionProofLines(sql: Sql, index: number, size: number): Promise<string> {
  const tile = Math.floor(index / TILE_WIDTH);
  if (!Number.isSafeInteger(index) || index < 0 || (tile + 1) * TILE_WIDTH > size) return proofLines(index, await inclusionProof(sql, index, size));
  const cache = proofCacheOf(sql);
  const upper = cache.get(tile, size);
  const tree = upper === undefined ? undefined : tileCacheOf(sql).get(0, tile, TILE_WIDTH);
  if (upper === undefined || tree === undefined) {
    const proof = await inclusionProof(sql, index, size); // loads the tile into the tile cache
    if (proof.length < TILE_HEIGHT) throw new Error(`inclusion proof of ${proof.length} hashes for a leaf of a full tile`);
    cache.put(tile, size, hashLines(proof.slice(TILE_HEIGHT)));
    return proofLines(index, proof);
  }
  const j = index % TILE_WIDTH;
  let out = `index ${index}\n`;
  for (let h = 0; h < TILE_HEIGHT; h++) {
    const node = tree.node(h, (j >> h) ^ 1);
    if (!node) return proofLines(index, await inclusionProof(sql, index, size));
    out += `${base64(node)}\n`;
  }
  return out + upper;
}
