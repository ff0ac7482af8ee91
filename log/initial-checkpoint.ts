// The checkpoint of the empty tree (size 0, root SHA-256("")), signed once when a log first
// starts, so that there is always a checkpoint to serve and to prove against.
import type { Sql } from 'postgres';
import { emptyRoot, formatCheckpoint } from '@glasskey/verifier';
import { lockLog } from './integrate-queries.ts';

export async function ensureInitialCheckpoint(sql: Sql, origin: string, signCheckpoint: (body: string) => string | Promise<string>): Promise<boolean> {
  return sql.begin(async (tx) => {
    await lockLog(tx);
    const [any] = await tx`SELECT 1 FROM log_checkpoints LIMIT 1`;
    if (any) return false;
    const root = emptyRoot();
    const note = await signCheckpoint(formatCheckpoint({ origin, size: 0, root }));
    await tx`INSERT INTO log_checkpoints (size, root, frontier, note) VALUES (0, ${root}, ${new Uint8Array(0)}, ${note})`;
    return true;
  });
}
