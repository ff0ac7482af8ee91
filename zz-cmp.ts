import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
import { migrate } from './server/db/migrate.ts';
import { appendPending, integrate } from './log/index.ts';
import { generateSigner, signNote } from './log/note-signer.ts';
import { packBytes } from './log/sql-arrays.ts';
const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
await migrate(sql);
const signer = generateSigner('o');
const opts = { origin: 'o', signCheckpoint: (b: string) => signNote(b, [signer]) };
const ent = (n: number) => { const a = randomBytes(n * 102); return Array.from({ length: n }, (_, i) => a.subarray(i * 102, i * 102 + 102)); };
for (let i = 0; i < 4; i++) { await appendPending(sql, ent(50000)); await integrate(sql, { ...opts, maxBatch: 65536 }); }
await sql`CREATE TABLE plain (entry bytea NOT NULL)`;
const N = 65536;
for (const B of (process.env.BS ?? '4096,8192,16384').split(',').map(Number)) {
  const ri: number[] = [], rp: number[] = [];
  for (let round = 0; round < 3; round++) {
    const es = ent(N);
    for (let i = 0; i < N; i += B) await appendPending(sql, es.slice(i, i + B));
    let t = performance.now();
    for (let done = 0; done < N; ) done += (await integrate(sql, { ...opts, maxBatch: B }))!.appended;
    ri.push(N / (performance.now() - t) * 1000);
    t = performance.now();
    for (let i = 0; i < N; i += B) { const p = packBytes(es.slice(i, i + B)); await sql`INSERT INTO plain (entry) SELECT substring(${p.blob}::bytea FROM o + 1 FOR l) FROM unnest(${p.offsets}::int4[], ${p.lengths}::int4[]) AS t(o, l)`; }
    rp.push(N / (performance.now() - t) * 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[1];
  console.log(`B=${B} integrate ${Math.round(med(ri))} plain ${Math.round(med(rp))} ratio ${(100 * med(ri) / med(rp)).toFixed(0)}%  rounds`, ri.map(Math.round), rp.map(Math.round));
}
await sql.end(); await db.stop();
