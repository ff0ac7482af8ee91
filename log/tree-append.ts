// Appending leaves to a tree held as its frontier (the compact range [0, size): one complete
// subtree hash per set bit of size, largest first). Pure: no database. Yields the new
// frontier and root, and every new tile-level hash (nodes of height 8L) in order, which is
// what the tiles store. Cost: about one node hash per leaf. Leaves can be fed in pieces (as
// they stream in from the database); the result is the same.
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
  /** New tile-level hashes: level 0 the leaf hashes, level L the new nodes of height 8L. */
  levels: LevelHashes[];
}

export class TreeAppender {
  private readonly start: number;
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
    this.levels = [{ level: 0, first: state.size, hashes: [] }];
  }

  append(leafHashes: readonly Uint8Array[]): void {
    const { heights, stack, levels } = this;
    for (const leaf of leafHashes) {
      levels[0].hashes.push(leaf);
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
    }
    this.size += leafHashes.length;
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

/** Appends leaves in one go. */
export function appendLeaves(state: TreeFrontier, leafHashes: readonly Uint8Array[]): AppendResult {
  const appender = new TreeAppender(state);
  appender.append(leafHashes);
  return appender.result();
}
