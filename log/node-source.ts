// Complete-node hashes for proof generation, from stored tiles: works out which tiles hold the
// requested nodes, takes what it can from the pool's tile cache and reads the rest in one
// query, then answers each node by lookup in the tile's inner nodes.
import { isPool, type SqlLike } from './coordination.ts';
import { LogIntegrityError } from './errors.ts';
import { tileCacheOf } from './tile-cache.ts';
import { assembleTile, cutHashes } from './tile-rows.ts';
import { TileTree } from './tile-tree.ts';
import { readTileRows, type TileKey } from './tree-queries.ts';
import { locateNode, type NodeId } from './tree-math.ts';

export type NodeLookup = (node: NodeId) => Uint8Array;

export async function loadNodes(sql: SqlLike, nodes: readonly NodeId[]): Promise<NodeLookup> {
  const cache = isPool(sql) ? tileCacheOf(sql) : undefined;
  const trees = new Map<string, TileTree>();
  const missing = new Map<string, TileKey & { minWidth: number }>();
  for (const node of nodes) {
    const at = locateNode(node);
    const key = `${at.level}/${at.tile}`;
    const have = trees.get(key);
    if (have && have.width >= at.minWidth) continue;
    const cached = cache?.get(at.level, at.tile, at.minWidth);
    if (cached) {
      trees.set(key, cached);
      continue;
    }
    const m = missing.get(key);
    if (m) m.minWidth = Math.max(m.minWidth, at.minWidth);
    else missing.set(key, { level: at.level, index: at.tile, minWidth: at.minWidth });
  }
  if (missing.size > 0) {
    const rows = await readTileRows(sql, [...missing.values()]);
    for (const [key, need] of missing) {
      const tile = assembleTile(rows.get(key) ?? [], cutHashes);
      if (!tile || tile.width < need.minWidth) {
        throw new LogIntegrityError('missing-tile', `tile ${key} holds ${tile?.width ?? 0} hashes, ${need.minWidth} needed`);
      }
      const tree = new TileTree(need.level, need.index, tile.width, tile.data);
      trees.set(key, tree);
      cache?.put(tree);
    }
  }
  return (node) => {
    const at = locateNode(node);
    const hash = trees.get(`${at.level}/${at.tile}`)?.node(at.r, at.j);
    if (!hash) throw new LogIntegrityError('missing-node', `node ${node.height}/${node.index} was not loaded`);
    return hash;
  };
}
