import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
const dir = mkdtempSync(join(tmpdir(), 'gk-pgq-'));
const db = await startEmbeddedPostgres(join(dir, 'data'), { persistent: false });
const conc = Number(process.argv[2] ?? 1);
const sql = postgres(db.url, { max: 20, onnotice: () => {} });
await Promise.all(Array.from({ length: 20 }, () => sql`SELECT pg_sleep(0.05)`)); // open all 20
for (let round = 0; round < 6; round++) {
  const n = 20000;
  let i = 0;
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: conc }, async () => { while (i++ < n) await sql`SELECT 1`; }));
  const c = process.cpuUsage(c0);
  console.log(`conc ${conc} round ${round}: ${((c.user + c.system) / n).toFixed(1)} us cpu/query`);
}
await sql.end(); await db.stop(); rmSync(dir, { recursive: true, force: true });
