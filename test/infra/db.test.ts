// The test harness itself: a real PostgreSQL answers, migrations apply once and are recorded.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { listMigrations, migrate } from '../../server/db/migrate.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

test('runs a real PostgreSQL of version 15 or later', async () => {
  const [{ server_version_num }] = await db.sql`SHOW server_version_num`;
  expect(Number(server_version_num)).toBeGreaterThanOrEqual(150000);
});

test('migrations are recorded and a second run applies nothing', async () => {
  const rows = await db.sql`SELECT name FROM schema_migrations ORDER BY name`;
  expect(rows.map((r) => r.name)).toEqual(listMigrations());
  expect(await migrate(db.sql)).toEqual([]);
});
