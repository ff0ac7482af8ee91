// In-process cache of inclusion proofs for lookups, one per connection pool: the formatted
// `index <N>` line and hash lines of a tlog-proof, by leaf index, for one tree size at a time.
// An inclusion proof depends only on (index, size) and the log is append-only, so an entry can
// never go stale; the cache holds the size of the newest served checkpoint it has seen and
// drops everything when a larger one is asked for (a request still holding an older checkpoint
// is answered without the cache). LRU, bounded by the characters it holds.
import type { Sql } from 'postgres';

/** Default bound: 48 Mi characters (one byte each), about 60,000 proofs of a 2^17-entry log. */
export const DEFAULT_PROOF_CACHE_CHARS = 48 * 1024 * 1024;

export class ProofCache {
  private readonly map = new Map<number, string>();
  private treeSize = -1;
  private chars = 0;
  hits = 0;
  misses = 0;

  constructor(public maxChars = DEFAULT_PROOF_CACHE_CHARS) {}

  /** The cached proof lines of `index` in the tree of `size`, refreshed as most recently used. */
  get(index: number, size: number): string | undefined {
    if (size !== this.treeSize) {
      this.misses++;
      return undefined;
    }
    const text = this.map.get(index);
    if (text === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(index);
    this.map.set(index, text);
    return text;
  }

  put(index: number, size: number, text: string): void {
    if (size < this.treeSize) return; // an older checkpoint: not worth keeping
    if (size > this.treeSize) this.clear(size);
    const old = this.map.get(index);
    if (old !== undefined) {
      this.chars -= old.length;
      this.map.delete(index);
    }
    this.map.set(index, text);
    this.chars += text.length;
    while (this.chars > this.maxChars && this.map.size > 0) {
      const [oldest, value] = this.map.entries().next().value!;
      this.map.delete(oldest);
      this.chars -= value.length;
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** The tree size the cached proofs are for (-1: none yet). */
  get forSize(): number {
    return this.treeSize;
  }

  clear(size = -1): void {
    this.map.clear();
    this.chars = 0;
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
