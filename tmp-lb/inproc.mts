import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
import { startLookupServer } from '../test/bench/lookup.bench.ts';
import { lookupWithProof, lookupPlain } from '../server/directory/lookup.ts';
import { armorCertificate } from '../server/openpgp/filter.ts';
import { proofCacheOf } from '../server/directory/proof-cache.ts';
import { cachedCheckpoint } from '../server/served-checkpoint.ts';
import { latestCheckpoint } from '../log/index.ts';

const count = Number(process.argv[2] ?? 100000);
const dir = mkdtempSync(join(tmpdir(), 'gk-inproc-'));
const db = await startEmbeddedPostgres(join(dir, 'data'), { persistent: false });
const admin = postgres(db.url, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE bench');
const url = db.urlFor('bench');
const sql = postgres(url, { max: 20, onnotice: () => {} });
await migrate(sql);
const server = await startLookupServer(sql, url, () => {}, count);
const addresses = server.addresses;
const svc: any = { sql, checkpoint: cachedCheckpoint(sql, async (s) => { const cp = await latestCheckpoint(s); return cp && { size: cp.size, note: cp.note }; }) };
const rnd = () => addresses[Math.floor(Math.random() * addresses.length)];
async function run(name: string, fn: (a: string) => Promise<unknown>, n = 40000, conc = 50) {
  let i = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => { while (i++ < n) await fn(rnd()); }));
  const c = process.cpuUsage(c0);
  console.log(name, ((c.user + c.system) / n).toFixed(1), 'us cpu/op', (n / ((performance.now() - t0) / 1000)).toFixed(0), 'op/s');
}
const plain = async (a: string) => { const b = await lookupPlain(svc, a); return armorCertificate(b!.certificate); };
const proof = async (a: string) => JSON.stringify(await lookupWithProof(svc, a));
const query = async (a: string) => sql`SELECT a.vrf_proof FROM addresses a WHERE a.address = ${a}`;
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
for (let r = 0; r < 1; r++) {
  await run('query', query);
  await run('plain', plain);
  await run('proof', proof);
  const pc = proofCacheOf(sql); console.log('cache', pc.size, pc.hits, pc.misses);
}
proofCacheOf(sql).maxChars = 1e9;
for (const a of addresses) await lookupWithProof(svc, a);
await run('proof all cached', proof);
const ses = new Session(); ses.connect(); await ses.post('Profiler.enable'); await ses.post('Profiler.setSamplingInterval', { interval: 100 }); await ses.post('Profiler.start');
await run('proof all cached (profiled)', proof);
writeFileSync('tmp-lb/inproc-proof.cpuprofile', JSON.stringify((await ses.post('Profiler.stop')).profile));
await ses.post('Profiler.start');
await run('plain (profiled)', plain);
writeFileSync('tmp-lb/inproc-plain.cpuprofile', JSON.stringify((await ses.post('Profiler.stop')).profile));
const pc = proofCacheOf(sql); console.log('cache', pc.size, pc.hits, pc.misses);
await server.stop(); await sql.end(); await admin.end(); await db.stop(); rmSync(dir, { recursive: true, force: true });
