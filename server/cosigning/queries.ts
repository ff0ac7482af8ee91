// SQL of the cosigning client (tables in migrations/006_cosigning.sql): what each witness last
// cosigned, the cosignature lines per (checkpoint size, witness), and the served checkpoints.
import type { Sql, TransactionSql } from 'postgres';

type SqlLike = Sql | TransactionSql;

/** Advisory lock held (per transaction) by the one process running a cosigning round. */
export const COSIGNING_LOCK_KEY = 0x676b6373; // 'gkcs'

const toInt = (v: unknown): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${String(v)} is not a safe integer`);
  return n;
};

export async function tryCosigningLock(tx: TransactionSql): Promise<boolean> {
  const [row] = await tx`SELECT pg_try_advisory_xact_lock(${COSIGNING_LOCK_KEY}) AS locked`;
  return row.locked === true;
}

/** Tree size each witness last cosigned (as far as we know), by witness name. */
export async function selectWitnessSizes(sql: SqlLike): Promise<Map<string, { vkey: string; size: number }>> {
  const rows = await sql`SELECT name, vkey, size FROM cosigning_witnesses`;
  return new Map(rows.map((r) => [r.name as string, { vkey: r.vkey as string, size: toInt(r.size) }]));
}

export async function upsertWitnessSize(sql: SqlLike, name: string, vkey: string, size: number): Promise<void> {
  await sql`INSERT INTO cosigning_witnesses (name, vkey, size) VALUES (${name}, ${vkey}, ${size}::int8)
    ON CONFLICT (name) DO UPDATE SET vkey = EXCLUDED.vkey, size = EXCLUDED.size, updated_at = now()`;
}

export interface StoredCosignature {
  witness: string;
  body: string;
  line: string;
  timestamp: number;
  receivedAt: Date;
}

/** Keeps the newest cosignature of a witness for a checkpoint size. */
export async function upsertCosignature(sql: SqlLike, size: number, c: Omit<StoredCosignature, 'receivedAt'>): Promise<void> {
  await sql`INSERT INTO cosignatures (size, witness, body, line, timestamp)
    VALUES (${size}::int8, ${c.witness}, ${c.body}, ${c.line}, ${c.timestamp}::int8)
    ON CONFLICT (size, witness) DO UPDATE
      SET body = EXCLUDED.body, line = EXCLUDED.line, timestamp = EXCLUDED.timestamp, received_at = now()`;
}

export async function selectCosignatures(sql: SqlLike, size: number): Promise<StoredCosignature[]> {
  const rows = await sql`SELECT witness, body, line, timestamp, received_at FROM cosignatures WHERE size = ${size}::int8`;
  return rows.map((r) => ({
    witness: r.witness as string,
    body: r.body as string,
    line: r.line as string,
    timestamp: toInt(r.timestamp),
    receivedAt: r.received_at as Date,
  }));
}

export async function upsertServedCheckpoint(sql: SqlLike, size: number, note: string): Promise<void> {
  await sql`INSERT INTO served_checkpoints (size, note) VALUES (${size}::int8, ${note})
    ON CONFLICT (size) DO UPDATE SET note = EXCLUDED.note, updated_at = now()`;
}

export async function selectServedCheckpoint(sql: SqlLike): Promise<{ size: number; note: string } | null> {
  const [row] = await sql`SELECT size, note FROM served_checkpoints ORDER BY size DESC LIMIT 1`;
  return row ? { size: toInt(row.size), note: row.note as string } : null;
}
