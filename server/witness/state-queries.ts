// SQL of the witness (tables in migrations/005_witness.sql): the per-origin row that is locked
// for a check-and-store, the monitoring read, and refused requests kept as evidence.
import type { Sql, TransactionSql } from 'postgres';

type SqlLike = Sql | TransactionSql;

export interface CosignedState {
  size: number;
  root: Uint8Array;
}

function toSize(v: unknown): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`stored tree size ${String(v)} is not a safe integer`);
  return n;
}

/**
 * Locks the origin's row until the end of the transaction (creating it, uncosigned, if this
 * is the first request for the origin) and returns the latest cosigned size and root, or
 * null if the witness never cosigned a checkpoint for it.
 */
export async function lockOrigin(tx: TransactionSql, origin: string, originHash: string): Promise<CosignedState | null> {
  await tx`INSERT INTO witness_logs (origin, origin_hash) VALUES (${origin}, ${originHash}) ON CONFLICT (origin) DO NOTHING`;
  const [row] = await tx`SELECT size, root FROM witness_logs WHERE origin = ${origin} FOR UPDATE`;
  if (!row || row.size === null) return null;
  return { size: toSize(row.size), root: new Uint8Array(row.root as Uint8Array) };
}

/** Records a newly cosigned checkpoint (inside the transaction that holds the row lock). */
export async function storeCosigned(tx: TransactionSql, origin: string, state: CosignedState, note: string): Promise<void> {
  await tx`UPDATE witness_logs
    SET size = ${state.size}::int8, root = ${Buffer.from(state.root)}, note = ${note}, cosigned_at = now()
    WHERE origin = ${origin}`;
}

/** The latest cosigned checkpoint note for the origin with this lowercase hex SHA-256, or null. */
export async function selectCosignedNote(sql: SqlLike, originHash: string): Promise<string | null> {
  const [row] = await sql`SELECT note FROM witness_logs WHERE origin_hash = ${originHash} AND note IS NOT NULL`;
  return row ? (row.note as string) : null;
}

/** Keeps a refused request whose log signature verified (possible evidence of misbehaviour). */
export async function insertRefusal(sql: SqlLike, origin: string, status: number, reason: string, body: string): Promise<void> {
  await sql`INSERT INTO witness_refusals (origin, status, reason, body) VALUES (${origin}, ${status}, ${reason}, ${body})`;
}

export interface Refusal {
  origin: string;
  status: number;
  reason: string;
  body: string;
  receivedAt: Date;
}

/** Refused requests for an origin, oldest first. */
export async function selectRefusals(sql: SqlLike, origin: string): Promise<Refusal[]> {
  const rows = await sql`SELECT origin, status, reason, body, received_at FROM witness_refusals WHERE origin = ${origin} ORDER BY id`;
  return rows.map((r) => ({ origin: r.origin, status: r.status, reason: r.reason, body: r.body, receivedAt: r.received_at }));
}
