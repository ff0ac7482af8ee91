import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
import { migrate } from './server/db/migrate.ts';
import { appendPending, integrate } from './log/index.ts';
import { generateSigner, signNote } from './log/note-signer.ts';
import { formatCheckpoint } from '@glasskey/verifier';
import { appendLeaves } from './log/tree-append.ts';
import { readFrontier } from './log/tree-queries.ts';
import { lockLog, takeIntoLeaves, writeBatch } from './log/integrate-queries.ts';

const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
await migrate(sql);
const signer = generateSigner('o');
const sign = (b: string) => signNote(b, [signer]);
const ent = (n: number) => { const a = randomBytes(n * 102); return Array.from({ length: n }, (_, i) => a.subarray(i * 102, i * 102 + 102)); };
for (let i = 0; i < 4; i++) { await appendPending(sql, ent(50000)); await integrate(sql, { origin: 'o', signCheckpoint: sign, maxBatch: 65536 }); }
const B = Number(process.env.B ?? 4096);
const N = 100000;
for (let i = 0; i < N; i += B) await appendPending(sql, ent(B));
await sql`VACUUM ANALYZE log_pending`;
const ph: Record<string, number> = {};
const mark = (k: string, t: number) => { ph[k] = (ph[k] ?? 0) + performance.now() - t; return performance.now(); };
const T0 = performance.now();
let total = 0;
for (;;) {
  let t = performance.now();
  const tb = t;
  const r = await sql.begin(async (tx) => {
    await tx`SELECT 1`; t = mark('begin', t);
    const [, f, tk] = await Promise.all([lockLog(tx), readFrontier(tx), takeIntoLeaves(tx, B)]); t = mark('take', t);
    const n = tk.leafHashes.length;
    if (!n) return 0;
    const a = appendLeaves(f, tk.leafHashes); t = mark('hash', t);
    const body = formatCheckpoint({ origin: 'o', size: a.frontier.size, root: a.root });
    const note = sign(body); t = mark('sign', t);
    await writeBatch(tx, { size: a.frontier.size, frontier: Buffer.concat(a.frontier.nodes), root: a.root, note, tiles: [] }); t = mark('write', t);
    return n;
  });
  t = mark('commit', t);
  if (!r) break;
  total += r;
}
const el = performance.now() - T0;
console.log('B', B, 'rate', Math.round(total / el * 1000), 'per batch ms:', Object.fromEntries(Object.entries(ph).map(([k, v]) => [k, +(v / (total / B)).toFixed(2)])));
// plain
await sql`CREATE TABLE plain (entry bytea NOT NULL)`;
const es = ent(N);
const { packBytes } = await import('./log/sql-arrays.ts');
let t = performance.now();
for (let i = 0; i < N; i += B) { const p = packBytes(es.slice(i, i + B)); await sql`INSERT INTO plain (entry) SELECT substring(${p.blob}::bytea FROM o + 1 FOR l) FROM unnest(${p.offsets}::int4[], ${p.lengths}::int4[]) AS t(o, l)`; }
console.log('plain', Math.round(N / (performance.now() - t) * 1000));
await sql.end(); await db.stop();
