// Appending leaves to a tree held as its frontier (the compact range [0, size): one complete
// subtree hash per set bit of size, largest first). Pure: no database. Yields the new
// frontier and root, and every new tile-level hash (nodes of height 8L) in order, which is
// what the tiles store. Cost: one leaf hash per entry plus about one node hash per entry.
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
  /** Node hashes computed (leaf hashes not counted). */
  nodeHashes: number;
}

export function appendLeaves(state: TreeFrontier, leafHashes: readonly Uint8Array[]): AppendResult {
  const heights = setBitHeights(state.size);
  if (heights.length !== state.nodes.length) {
    throw new LogIntegrityError(
      'bad-frontier',
      `frontier of a tree of size ${state.size} needs ${heights.length} hashes, has ${state.nodes.length}`,
    );
  }
  const stack = state.nodes.slice();
  const levels: LevelHashes[] = [{ level: 0, first: state.size, hashes: leafHashes.slice() }];
  let nodeHashes = 0;
  for (const leaf of leafHashes) {
    let h = 0;
    let x = leaf;
    while (heights.length > 0 && heights[heights.length - 1] === h) {
      heights.pop();
      x = nodeHashOf(stack.pop()!, x);
      nodeHashes++;
      h++;
      if (h % TILE_HEIGHT === 0) {
        const level = h / TILE_HEIGHT;
        if (!levels[level]) levels[level] = { level, first: shiftRight(state.size, h), hashes: [] };
        levels[level].hashes.push(x);
      }
    }
    heights.push(h);
    stack.push(x);
  }
  const size = state.size + leafHashes.length;
  nodeHashes += Math.max(0, stack.length - 1);
  return { frontier: { size, nodes: stack }, root: foldRange(stack), levels: levels.filter(Boolean), nodeHashes };
}
