// Gives a test file its own fresh database (migrations applied) on the run's PostgreSQL.
import { randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { inject } from 'vitest';
import { migrate } from '../../server/db/migrate.ts';

export interface TestDatabase {
  sql: Sql;
  url: string;
  name: string;
  /** Opens another independent connection pool to the same database. */
  connect(max?: number): Sql;
  close(): Promise<void>;
}

export async function freshDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pools: Sql[] = [];
  const connect = (max = 10) => {
    const s = postgres(url, { max, onnotice: () => {} });
    pools.push(s);
    return s;
  };
  const sql = connect();
  if (opts.migrate !== false) await migrate(sql);
  return {
    sql,
    url,
    name,
    connect,
    async close() {
      await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
