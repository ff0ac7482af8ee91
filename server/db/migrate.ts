// Applies the numbered SQL files in migrations/ in order, each exactly once, under an
// advisory lock so that several processes starting together do not race. Applied files
// are recorded (with their SHA-256) in schema_migrations.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const MIGRATION_LOCK = 0x676b6d69; // 'gkmi'

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`migration ${file}: ${message}`);
    this.name = 'MigrationError';
  }
}

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3,}_[a-z0-9_-]+\.sql$/.test(f))
    .sort();
}

/** Returns the names of the files applied by this call. */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Map<string, string>();
    for (const row of await tx`SELECT name, sha256 FROM schema_migrations`) done.set(row.name, row.sha256);
    for (const file of listMigrations(dir)) {
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      const sha = createHash('sha256').update(text).digest('hex');
      const seen = done.get(file);
      if (seen !== undefined) {
        if (seen !== sha) throw new MigrationError(file, 'was changed after it was applied; add a new migration instead');
        continue;
      }
      try {
        await tx.unsafe(text);
      } catch (err) {
        throw new MigrationError(file, (err as Error).message);
      }
      await tx`INSERT INTO schema_migrations (name, sha256) VALUES (${file}, ${sha})`;
      applied.push(file);
    }
  });
  return applied;
}
