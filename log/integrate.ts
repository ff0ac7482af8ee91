// integrate(): one batch of the sequencer. In one transaction under the log's advisory lock:
// take up to maxBatch pending entries in id order into the tree (entry bundles, level-0 tiles,
// the batch row, pending rows deleted), compute the upper tree levels from the previous
// checkpoint's frontier, write their tile rows and the newly signed checkpoint. A crash or rollback
// anywhere leaves the log as it was.
import type { Sql, TransactionSql } from 'postgres';
import { formatCheckpoint, parseNote } from '@glasskey/verifier';
import { CheckpointSigningError, LogArgumentError, LogIntegrityError } from './errors.ts';
import { ConnectionWatch } from './lost-connection.ts';
import { lockLog, readFrontier, takeIntoLeaves, writeBatch, type UpperTileRow } from './integrate-queries.ts';
import { TreeAppender, type LevelHashes } from './tree-append.ts';
import { splitAtTiles } from './tile-rows.ts';
import { checkInteger } from './tree-math.ts';

export const DEFAULT_MAX_BATCH = 4096;
export const MAX_BATCH_LIMIT = 1 << 18;

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
  // Sent together, in this order (each call sends its query at once); the server runs them one
  // after the other, so the last two see everything committed before the lock was granted.
  // Rows are handled as they arrive: the frontier first, then the leaves tile by tile, hashed
  // into the tree while the server is still writing them.
  let appender: TreeAppender | undefined;
  let failure: unknown;
  const guard = (fn: () => void) => {
    if (failure !== undefined) return;
    try {
      fn();
    } catch (err) {
      failure = err;
    }
  };
  let firstIndex = -1;
  await Promise.all([
    lockLog(tx),
    readFrontier(tx, (frontier) => guard(() => (appender = new TreeAppender(frontier)))),
    takeIntoLeaves(tx, maxBatch, (first, leaves) =>
      guard(() => {
        if (!appender) throw new LogIntegrityError('bad-frontier', 'leaves arrived before the frontier');
        if (firstIndex < 0) firstIndex = first;
        if (first !== firstIndex) throw new LogIntegrityError('bad-leaves', 'leaves of two batches');
        appender.append(leaves);
      }),
    ),
  ]);
  if (failure !== undefined) throw failure;
  if (!appender || appender.appended === 0) return null;
  const appended = appender.result();
  if (appended.levels[0].first !== firstIndex) {
    throw new LogIntegrityError('bad-frontier', `newest checkpoint is at ${appended.levels[0].first}, the batches end at ${firstIndex}`);
  }
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
  return { size, root: new Uint8Array(appended.root), checkpoint: note, appended: appender.appended };
}

/** Rows for the new hashes of tile levels 1 and up (level 0 is written by takeIntoLeaves). */
function upperTileRows(levels: readonly LevelHashes[]): UpperTileRow[] {
  const rows: UpperTileRow[] = [];
  for (const l of levels) {
    if (l.level === 0) continue;
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
