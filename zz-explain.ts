import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
import { migrate } from './server/db/migrate.ts';
import { appendPending, integrate } from './log/index.ts';
import { generateSigner, signNote } from './log/note-signer.ts';
const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
await migrate(sql);
const signer = generateSigner('o');
const sign = (b: string) => signNote(b, [signer]);
const ent = (n: number) => { const a = randomBytes(n * 102); return Array.from({ length: n }, (_, i) => a.subarray(i * 102, i * 102 + 102)); };
for (let i = 0; i < 4; i++) { await appendPending(sql, ent(50000)); await integrate(sql, { origin: 'o', signCheckpoint: sign, maxBatch: 65536 }); }
for (let i = 0; i < 10; i++) await appendPending(sql, ent(4096));
await sql`VACUUM ANALYZE log_pending`;
const q = process.env.Q!;
for (let k = 0; k < 3; k++) {
  await sql.begin(async (tx) => {
    const r = await tx.unsafe(`EXPLAIN (ANALYZE, BUFFERS, TIMING) ${q}`);
    if (k === 2) console.log(r.map((x: any) => x['QUERY PLAN']).join('\n'));
    else console.log(r.at(-1)['QUERY PLAN']);
    await tx`ROLLBACK`.catch(() => {});
    throw new Error('rollback');
  }).catch(() => {});
}
await sql.end(); await db.stop();
