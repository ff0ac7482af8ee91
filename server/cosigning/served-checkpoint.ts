// The checkpoint the directory serves when witnesses are configured: the newest one whose
// cosignatures met the quorum, as written by the cosigner into served_checkpoints. Every
// server process reads it from PostgreSQL.
import type { Sql } from 'postgres';
import { selectServedCheckpoint } from './queries.ts';

export function readServedCheckpoint(sql: Sql): Promise<{ size: number; note: string } | null> {
  return selectServedCheckpoint(sql);
}
