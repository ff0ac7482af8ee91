// The monitor's scanner: follows a log from the edge it verified so far up to a target size,
// reading entry bundles and hash tiles (several requests in flight, processed in order). For
// every new entry it computes the leaf hash and compares it with the level-0 hash tile; it
// appends the leaves (a full bundle at once, by its subtree root) to the compact range, and
// compares each completed node of height 8, 16, ... with the hash tile one level up. Every hash
// is computed once (one leaf hash and, amortized, one node hash per entry), by a pluggable
// BundleHasher that may run off the main thread; the caller then compares range.root() with
// the checkpoint root.
// A served tile that disagrees with the hashes of the entries is a TileMismatchError naming
// the tile and the leaf (or node) index.
import { syncBundleHasher, type BundleHasher, type BundleHashes } from '../proof/bundle-hasher.ts';
import { CompactRange } from '../proof/compact-range.ts';
import { ProofError } from '../errors.ts';
import type { TileSource } from '../client/log-client.ts';
import { nobleSha256, type Sha256Function } from '../proof/sha256-function.ts';
import { entriesPath, tilePath, tileWidth, TILE_WIDTH } from '../format/tile-path.ts';

export class TileMismatchError extends ProofError {
  /** Tile level (0 = leaf hashes). */
  readonly level: number;
  /** The leaf index (level 0) or the index of the node among those of height 8*level. */
  readonly index: number;
  readonly path: string;
  constructor(level: number, index: number, path: string, message: string) {
    super('tile-mismatch', message);
    this.level = level;
    this.index = index;
    this.path = path;
  }
}

export interface ScanOptions {
  source: TileSource;
  /** The edge to continue from (mutated: it ends at the size reached). */
  range: CompactRange;
  targetSize: number;
  sha256?: Sha256Function;
  /** Computes leaf hashes and full bundles' subtree roots; default: in this thread with sha256. */
  hashBundle?: BundleHasher;
  /** Bundles (each an entry bundle and its hash tile) fetched ahead; default 16. */
  concurrency?: number;
  /** Sees each bundle's new entries (views, valid during the call) and the index of the first. */
  onBundle?: (firstIndex: number, entries: readonly Uint8Array[]) => void;
  /** Calls onProgress about every this many entries, at a bundle boundary; default 65536. */
  progressEvery?: number;
  onProgress?: (range: CompactRange) => void | Promise<void>;
  /** Asked after each onProgress: stop the scan there (the range is consistent at that point). */
  shouldStop?: (range: CompactRange) => boolean;
}

export type ScanResult = 'complete' | 'stopped';

export async function scanToSize(options: ScanOptions): Promise<ScanResult> {
  const { source, range, targetSize: n } = options;
  const sha256 = options.sha256 ?? nobleSha256;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const progressEvery = options.progressEvery ?? 65536;
  const start = range.size;
  if (start > n) throw new RangeError(`scan: the edge (${start}) is past the target size (${n})`);
  if (start === n) return 'complete';

  const hashBundle = options.hashBundle ?? syncBundleHasher(sha256);
  const first = Math.floor(start / TILE_WIDTH);
  const last = Math.ceil(n / TILE_WIDTH) - 1;
  type Fetched = [Uint8Array[], Uint8Array, BundleHashes];
  const inflight: Promise<Fetched>[] = [];
  let next = first;
  const fill = () => {
    while (inflight.length < concurrency && next <= last) {
      const w = tileWidth(0, next, n);
      // Hashing starts as soon as a bundle arrives (in parallel, with an off-thread hasher).
      const p = Promise.all([source.entryBundle(next, w), source.hashTile(0, next, w)]).then(
        async ([entries, tile]): Promise<Fetched> => [entries, tile, await hashBundle(entries)],
      );
      p.catch(() => undefined); // consumed (and rethrown) in order below
      inflight.push(p);
      next++;
    }
  };

  const upper = new Map<number, { index: number; tile: Promise<Uint8Array> }>();
  const upperTile = (level: number, index: number) => {
    const cached = upper.get(level);
    if (cached && cached.index === index) return cached.tile;
    const tile = source.hashTile(level, index, tileWidth(level, index, n));
    upper.set(level, { index, tile });
    return tile;
  };
  const checks: { height: number; index: number; hash: Uint8Array }[] = [];
  const onNode = (height: number, index: number, hash: Uint8Array) => {
    if (height % 8 === 0) checks.push({ height, index, hash });
  };

  let sinceProgress = 0;
  fill();
  for (let b = first; b <= last; b++) {
    const [entries, tile, hashes] = await inflight.shift()!;
    fill();
    const base = b * TILE_WIDTH;
    const from = Math.max(range.size, base) - base;
    const { leaves } = hashes;
    if (leaves.length !== entries.length * 32) throw new RangeError('bundle hasher: wrong number of leaf hashes');
    for (let off = from * 32; off < leaves.length; off++) {
      if (leaves[off] !== tile[off]) {
        const j = Math.floor(off / 32);
        const path = tilePath(0, b, entries.length);
        throw new TileMismatchError(
          0,
          base + j,
          path,
          `tile ${path} does not match entry ${base + j} of ${entriesPath(b, entries.length)}: the server's tiles and entries disagree`,
        );
      }
    }
    if (from === 0 && hashes.root !== undefined && entries.length === TILE_WIDTH) range.appendSubtree(8, hashes.root, onNode);
    else for (let j = from; j < entries.length; j++) range.appendLeafHash(leaves.subarray(j * 32, j * 32 + 32), onNode);
    options.onBundle?.(base + from, from === 0 ? entries : entries.slice(from));
    for (const c of checks) {
      const level = c.height / 8;
      const tileIndex = Math.floor(c.index / TILE_WIDTH);
      const bytes = await upperTile(level, tileIndex);
      const off = (c.index % TILE_WIDTH) * 32;
      for (let k = 0; k < 32; k++) {
        if (c.hash[k] !== bytes[off + k]) {
          const path = tilePath(level, tileIndex, tileWidth(level, tileIndex, n));
          throw new TileMismatchError(
            level,
            c.index,
            path,
            `tile ${path}: hash ${c.index % TILE_WIDTH} is not the hash of leaves ${c.index * 2 ** c.height}..${(c.index + 1) * 2 ** c.height - 1}`,
          );
        }
      }
    }
    checks.length = 0;
    sinceProgress += entries.length - from;
    if (b < last && sinceProgress >= progressEvery) {
      sinceProgress = 0;
      await options.onProgress?.(range);
      if (options.shouldStop?.(range)) return 'stopped';
    }
  }
  return 'complete';
}
