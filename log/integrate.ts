// integrate(): one batch of the sequencer. In one transaction under the log's advisory lock:
// take up to maxBatch pending entries in id order into the tree (entry bundles, level-0 tiles,
// the batch row, pending rows deleted), compute the upper tree levels from the previous
// checkpoint's frontier (while the database is still writing the lower ones), write their tile
// rows and the newly signed checkpoint. A crash or rollback anywhere leaves the log as it was.
import type { Sql, TransactionSql } from 'postgres';
import { bytesEqual, formatCheckpoint, parseNote } from '@glasskey/verifier';
import { CheckpointSigningError, LogArgumentError, LogError, LogIntegrityError } from './errors.ts';
import { sha256Of } from './hashing.ts';
import { ConnectionWatch } from './lost-connection.ts';
import { lockLog, pickLeaves, readFrontier, takeIntoTree, writeBatch, type UpperTileRow } from './integrate-queries.ts';
import { TreeAppender, type LevelHashes } from './tree-append.ts';
import { splitAtTiles } from './tile-rows.ts';
import { checkInteger } from './tree-math.ts';

export const DEFAULT_MAX_BATCH = 4096;
export const MAX_BATCH_LIMIT = 65536;

export interface IntegrateOptions {
  /** The checkpoint origin line (the log's name). */
  origin: string;
  /** Signs a checkpoint body; returns the signed note (body, blank line, signature lines). */
  signCheckpoint: (body: string) => string | Promise<string>;
  /** Most entries taken in one batch (default 4096). */
  maxBatch?: number;
}

export interface IntegrateResult {
  size: number;
  root: Uint8Array;
  /** The signed checkpoint note. */
  checkpoint: string;
  /** Entries appended by this batch. */
  appended: number;
}

export function checkIntegrateOptions(opts: IntegrateOptions): number {
  if (typeof opts?.origin !== 'string' || opts.origin.length === 0) {
    throw new LogArgumentError('bad-argument', 'integrate: origin must be a non-empty string');
  }
  if (typeof opts.signCheckpoint !== 'function') {
    throw new LogArgumentError('bad-argument', 'integrate: signCheckpoint must be a function');
  }
  const maxBatch = checkInteger(opts.maxBatch ?? DEFAULT_MAX_BATCH, 'maxBatch', 1);
  if (maxBatch > MAX_BATCH_LIMIT) throw new LogArgumentError('bad-argument', `maxBatch ${maxBatch} exceeds ${MAX_BATCH_LIMIT}`);
  return maxBatch;
}

/** Integrates one batch; null when nothing was pending. */
export async function integrate(sql: Sql, opts: IntegrateOptions): Promise<IntegrateResult | null> {
  const maxBatch = checkIntegrateOptions(opts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await integrateOnce(sql, opts, maxBatch);
    } catch (err) {
      // A writer committed a lower pending id between picking and taking: start over.
      if (err instanceof LogError && err.code === 'batch-changed' && attempt < 3) continue;
      throw err;
    }
  }
}

async function integrateOnce(sql: Sql, opts: IntegrateOptions, maxBatch: number): Promise<IntegrateResult | null> {
  const connection = new ConnectionWatch();
  const result = await connection.watch(
    sql.begin(async (tx) => {
      try {
        return await integrateIn(tx, opts, maxBatch, connection);
      } catch (err) {
        return connection.fail(err);
      }
    }) as Promise<IntegrateResult | null>,
  );
  return result;
}

async function integrateIn(
  tx: TransactionSql,
  opts: IntegrateOptions,
  maxBatch: number,
  connection: ConnectionWatch,
): Promise<IntegrateResult | null> {
  // All four sent at once, in this order; the server runs them one after the other, the last
  // three after the lock is granted. While it runs takeIntoTree, this process hashes the tree
  // above the leaves pickLeaves returned.
  const lock = lockLog(tx);
  const frontierRead = readFrontier(tx);
  const picking = pickLeaves(tx, maxBatch);
  const taking = takeIntoTree(tx);
  Promise.all([lock, frontierRead, picking, taking]).catch(() => {}); // failures surface in the awaits below
  await lock;
  const frontier = await frontierRead;
  const picked = await picking;
  const appender = new TreeAppender(frontier);
  appender.append(picked.leafHashes);
  const appended = appender.result();
  const taken = await taking;

  if (taken.firstIndex !== frontier.size) {
    throw new LogIntegrityError('bad-frontier', `newest checkpoint is at ${frontier.size}, the batches end at ${taken.firstIndex}`);
  }
  if (taken.count !== picked.leafHashes.length || (taken.count > 0 && !bytesEqual(taken.digest!, sha256Of(picked.blob)))) {
    throw new LogError('batch-changed', `picked ${picked.leafHashes.length} pending entries, took ${taken.count} others`);
  }
  if (taken.count === 0) return null;
  const size = appended.frontier.size;
  const body = formatCheckpoint({ origin: opts.origin, size, root: appended.root });
  const note = await opts.signCheckpoint(body);
  checkSignedNote(note, body);
  await connection.alive();
  await writeBatch(tx, {
    size,
    root: appended.root,
    frontier: Buffer.concat(appended.frontier.nodes),
    note,
    tiles: upperTileRows(appended.levels),
  });
  return { size, root: new Uint8Array(appended.root), checkpoint: note, appended: taken.count };
}

/** Rows for the new hashes of tile levels 1 and up (level 0 was written by takeIntoLeaves). */
function upperTileRows(levels: readonly LevelHashes[]): UpperTileRow[] {
  const rows: UpperTileRow[] = [];
  for (const l of levels) {
    for (const d of splitAtTiles(l.first, l.hashes)) {
      rows.push({ level: l.level, index: d.tile, start: d.start, width: d.width, data: Buffer.concat(d.items) });
    }
  }
  return rows;
}

function checkSignedNote(note: unknown, body: string): asserts note is string {
  if (typeof note !== 'string') throw new CheckpointSigningError('bad-signed-note', 'signCheckpoint did not return a string');
  let text: string;
  try {
    text = parseNote(note).text;
  } catch (err) {
    throw new CheckpointSigningError('bad-signed-note', `signCheckpoint returned a malformed note: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text !== body) throw new CheckpointSigningError('bad-signed-note', 'signCheckpoint returned a note of another text');
}
