// Checks a requested tree size against the log. A pool remembers the largest size it has
// seen (sizes only grow), so warm proof requests for sizes it knows cost no query.
import type { Sql } from 'postgres';
import { isPool, type SqlLike } from './coordination.ts';
import { LogRangeError } from './errors.ts';
import { readTreeSize } from './tree-queries.ts';

const known = new WeakMap<Sql, number>();

/** Throws LogRangeError('size-beyond-tree') if `size` exceeds the current tree size. */
export async function checkWithinTree(sql: SqlLike, size: number, what: string): Promise<void> {
  if (isPool(sql) && (known.get(sql) ?? -1) >= size) return;
  const current = await readTreeSize(sql);
  if (isPool(sql) && current > (known.get(sql) ?? -1)) known.set(sql, current);
  if (size > current) throw new LogRangeError('size-beyond-tree', `${what} ${size} is beyond the tree size ${current}`);
}
