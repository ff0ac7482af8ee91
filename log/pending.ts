// appendPending(): the server's way into the log. Writes entries as pending rows (in the
// caller's transaction if given one, so they commit or vanish with the caller's own rows) and
// notifies the sequencers, which integrate them in id order.
import { type SqlLike } from './coordination.ts';
import { LogArgumentError } from './errors.ts';
import { insertPending } from './pending-queries.ts';

/**
 * Longest entry accepted. Entry bundles could carry 65,535 bytes; glasskey's entries are 102,
 * and this bound keeps a whole batch (up to MAX_BATCH_LIMIT entries) within 256 MiB, well
 * under PostgreSQL's 1 GiB value limit that the integrator's batch aggregate is subject to.
 */
export const MAX_ENTRY_LENGTH = 4096;

/** Appends entries as pending; returns their pending ids, in order. */
export async function appendPending(sql: SqlLike, entries: Uint8Array[]): Promise<number[]> {
  if (!Array.isArray(entries)) throw new LogArgumentError('bad-entry', 'appendPending: entries must be an array');
  entries.forEach((e, i) => {
    if (!(e instanceof Uint8Array)) throw new LogArgumentError('bad-entry', `appendPending: entry ${i} is not a Uint8Array`);
    if (e.length < 1 || e.length > MAX_ENTRY_LENGTH) {
      throw new LogArgumentError('bad-entry', `appendPending: entry ${i} is ${e.length} bytes, must be 1..${MAX_ENTRY_LENGTH}`);
    }
  });
  if (entries.length === 0) return [];
  return insertPending(sql, entries);
}
