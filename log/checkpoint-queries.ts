// SQL for the signed checkpoints. (Column names are single words, so a caller's postgres.js
// column transform, if any, leaves them alone.)
import { type SqlLike } from './coordination.ts';
import { int8 } from './tree-math.ts';

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  /** The signed note, as served. */
  note: string;
  /** When it was written. */
  time: Date;
}

const toCheckpoint = (r: Record<string, unknown>): StoredCheckpoint => ({
  size: int8(r.size),
  root: new Uint8Array(r.root as Uint8Array),
  note: r.note as string,
  time: r.time as Date,
});

export async function selectLatestCheckpoint(sql: SqlLike): Promise<StoredCheckpoint | null> {
  const [r] = await sql`SELECT size, root, note, created_at AS time FROM log_checkpoints ORDER BY size DESC LIMIT 1`;
  return r ? toCheckpoint(r) : null;
}

export async function selectCheckpointAt(sql: SqlLike, size: number): Promise<StoredCheckpoint | null> {
  const [r] = await sql`SELECT size, root, note, created_at AS time FROM log_checkpoints WHERE size = ${size}::int8`;
  return r ? toCheckpoint(r) : null;
}
