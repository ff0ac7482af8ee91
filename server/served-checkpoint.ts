// The checkpoint the directory serves and proves against. Every server process reads the
// same one from PostgreSQL; a short in-process cache keeps lookups from asking each time.
// Without witnesses it is the newest checkpoint the sequencer signed; with witnesses, the
// newest one that gathered a quorum of cosignatures (served_checkpoints).
import type { Sql } from 'postgres';
import { ApiError } from './http/errors.ts';

export interface ServedCheckpoint {
  size: number;
  /** The signed note, with any cosignatures. */
  note: string;
}

export interface CheckpointSource {
  current(): Promise<ServedCheckpoint>;
  /** Forget the cached value (after an integration in this process). */
  invalidate(): void;
}

export type CheckpointReader = (sql: Sql) => Promise<ServedCheckpoint | null>;

export function cachedCheckpoint(sql: Sql, read: CheckpointReader, maxAgeMs = 200): CheckpointSource {
  let cached: ServedCheckpoint | undefined;
  let fetchedAt = 0;
  let inflight: Promise<ServedCheckpoint> | undefined;
  const load = async () => {
    const cp = await read(sql);
    if (!cp) throw new ApiError(503, 'no-checkpoint', 'the log has no checkpoint to serve yet (waiting for the witnesses\' quorum)', { 'retry-after': '5' });
    cached = cp;
    fetchedAt = Date.now();
    return cp;
  };
  return {
    async current() {
      if (cached && Date.now() - fetchedAt < maxAgeMs) return cached;
      inflight ??= load().finally(() => (inflight = undefined));
      return inflight;
    },
    invalidate() {
      fetchedAt = 0;
    },
  };
}
