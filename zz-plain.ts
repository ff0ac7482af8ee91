import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
import { packBytes } from './log/sql-arrays.ts';
const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
await sql`CREATE TABLE plain (entry bytea NOT NULL)`;
const ent = (n: number) => { const a = randomBytes(n * 102); return Array.from({ length: n }, (_, i) => a.subarray(i * 102, i * 102 + 102)); };
const N = 65536, B = 4096;
for (let round = 0; round < 3; round++) {
  const es = ent(N);
  let t = performance.now();
  for (let i = 0; i < N; i += B) { const p = packBytes(es.slice(i, i + B)); await sql`INSERT INTO plain (entry) SELECT substring(${p.blob}::bytea FROM o + 1 FOR l) FROM unnest(${p.offsets}::int4[], ${p.lengths}::int4[]) AS t(o, l)`; }
  const a = N / (performance.now() - t) * 1000;
  t = performance.now();
  for (let i = 0; i < N; i += B) { await sql`INSERT INTO plain (entry) SELECT unnest(${sql.array(es.slice(i, i + B).map((e) => Buffer.from(e)))}::bytea[])`; }
  const b = N / (performance.now() - t) * 1000;
  t = performance.now();
  for (let i = 0; i < N; i += B) { await sql`INSERT INTO plain ${sql(es.slice(i, i + B).map((e) => ({ entry: Buffer.from(e) })))}`; }
  const c = N / (performance.now() - t) * 1000;
  console.log('packed', Math.round(a), 'bytea[]', Math.round(b), 'VALUES', Math.round(c));
}
await sql.end(); await db.stop().catch(() => {});
