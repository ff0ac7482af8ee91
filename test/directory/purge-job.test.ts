// The purge job's pg-boss side: several processes starting it together on a new schema all
// start, each offers the job, and within one interval it runs once among them.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPurgeJob, type PurgeJob } from '../../server/directory/purge-job.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

test('six processes starting together on a fresh schema all start; one run per interval between them', async () => {
  const errors: unknown[] = [];
  const jobs: PurgeJob[] = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        startPurgeJob({ databaseUrl: db.url, sql: db.sql, retentionDays: 14, now: () => new Date(), log: (m, e) => e && errors.push(`${m}: ${e}`), intervalSeconds: 3600, schema: 'purge_race' }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') jobs.push(s.value);
    expect(started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(jobs.reduce((n, j) => n + j.runs.length, 0)).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await Promise.all(jobs.map((j) => j.stop()));
  }
});
