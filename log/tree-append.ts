// Appending leaves to a tree held as its frontier (the compact range [0, size): one complete
// subtree hash per set bit of size, largest first). Pure: no database. Yields the new
// frontier and root, and every new tile-level hash (nodes of height 8L) in order, which is
// what the tiles store. Cost: about one node hash per leaf. Leaves can be fed in pieces; the
// result is the same.
import { foldRange, nodeHashOf } from './hashing.ts';
import { LogIntegrityError } from './errors.ts';
import { setBitHeights, shiftRight, TILE_HEIGHT } from './tree-math.ts';

export interface TreeFrontier {
  size: number;
  /** Hashes of the complete subtrees making up [0, size), largest first. */
  nodes: Uint8Array[];
}

export interface LevelHashes {
  level: number;
  /** Position (in the level's hash sequence) of the first hash. */
  first: number;
  hashes: Uint8Array[];
}

export interface AppendResult {
  frontier: TreeFrontier;
  root: Uint8Array;
  /** New tile-level hashes: level L >= 1 the new nodes of height 8L (appendLeaves adds level 0, the leaves). */
  levels: LevelHashes[];
}

export class TreeAppender {
  /** The tree size before this append. */
  readonly start: number;
  private readonly heights: number[];
  private readonly stack: Uint8Array[];
  private readonly levels: LevelHashes[];
  private size: number;

  constructor(state: TreeFrontier) {
    this.heights = setBitHeights(state.size);
    if (this.heights.length !== state.nodes.length) {
      throw new LogIntegrityError(
        'bad-frontier',
        `frontier of a tree of size ${state.size} needs ${this.heights.length} hashes, has ${state.nodes.length}`,
      );
    }
    this.start = this.size = state.size;
    this.stack = state.nodes.slice();
    this.levels = [];
  }

  append(leafHashes: readonly Uint8Array[]): void {
    for (const leaf of leafHashes) this.push(leaf);
  }

  private push(leaf: Uint8Array): void {
    const { heights, stack, levels } = this;
    let h = 0;
    let x = leaf;
    while (heights.length > 0 && heights[heights.length - 1] === h) {
      heights.pop();
      x = nodeHashOf(stack.pop()!, x);
      h++;
      if (h % TILE_HEIGHT === 0) {
        const level = h / TILE_HEIGHT;
        if (!levels[level]) levels[level] = { level, first: shiftRight(this.start, h), hashes: [] };
        levels[level].hashes.push(x);
      }
    }
    heights.push(h);
    stack.push(x);
    this.size++;
  }

  get appended(): number {
    return this.size - this.start;
  }

  result(): AppendResult {
    return {
      frontier: { size: this.size, nodes: this.stack.slice() },
      root: foldRange(this.stack),
      levels: this.levels.filter(Boolean),
    };
  }
}

/** Appends leaves in one go; levels include level 0 (the leaves themselves). */
export function appendLeaves(state: TreeFrontier, leafHashes: readonly Uint8Array[]): AppendResult {
  const appender = new TreeAppender(state);
  appender.append(leafHashes);
  const r = appender.result();
  return { ...r, levels: [{ level: 0, first: state.size, hashes: leafHashes.slice() }, ...r.levels] };
}
