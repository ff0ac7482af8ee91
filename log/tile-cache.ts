// In-process cache of hash tiles (with their inner nodes) for proof generation, one per
// connection pool. Safe because tile content never changes: a tile of width W is a prefix of
// any wider version of it, so a cached tile answers for every width up to its own. Only
// committed data is cached (reads on a pool, never inside a transaction). LRU, bounded.
import type { Sql } from 'postgres';
import type { TileTree } from './tile-tree.ts';

/** Default bound: 8192 tiles, about 128 MiB when full (16 KiB per full tile with inner nodes). */
export const DEFAULT_TILE_CACHE_TILES = 8192;

export class TileCache {
  private readonly map = new Map<string, TileTree>();
  hits = 0;
  misses = 0;

  constructor(public maxTiles = DEFAULT_TILE_CACHE_TILES) {}

  /** A cached tile at least `minWidth` wide, refreshed as most recently used. */
  get(level: number, index: number, minWidth: number): TileTree | undefined {
    const key = `${level}/${index}`;
    const t = this.map.get(key);
    if (!t || t.width < minWidth) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, t);
    return t;
  }

  put(tree: TileTree): void {
    const key = `${tree.level}/${tree.index}`;
    const old = this.map.get(key);
    if (old && old.width >= tree.width) return;
    this.map.delete(key);
    this.map.set(key, tree);
    while (this.map.size > this.maxTiles) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
    this.hits = this.misses = 0;
  }
}

const caches = new WeakMap<Sql, TileCache>();

/** The tile cache of a connection pool (created on first use). */
export function tileCacheOf(sql: Sql): TileCache {
  let c = caches.get(sql);
  if (!c) caches.set(sql, (c = new TileCache()));
  return c;
}
