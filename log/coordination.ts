// Names shared by everything that coordinates through PostgreSQL: the advisory lock the
// integrator holds for the length of a batch, and the NOTIFY channels.
import type { Sql, TransactionSql } from 'postgres';

/** Key of the transaction-level advisory lock (pg_advisory_xact_lock(bigint)) held while integrating. */
export const LOG_LOCK_KEY = 0x676b6c67; // 'gklg'

/** NOTIFY channel: new pending entries (payload empty). */
export const PENDING_CHANNEL = 'glasskey_log_pending';

/** NOTIFY channel: a batch was integrated (payload: the new tree size). */
export const INTEGRATED_CHANNEL = 'glasskey_log_integrated';

/** A pool or a transaction: the log's queries run on either. */
export type SqlLike = Sql | TransactionSql;

/** True for a connection pool (autocommit reads see committed data only), false inside a transaction. */
export function isPool(sql: SqlLike): sql is Sql {
  return typeof (sql as Sql).begin === 'function' && !('savepoint' in sql);
}
