import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
import { startLookupServer, measureLookups, load, PLAIN, PROOF } from '../test/bench/lookup.bench.ts';

const count = Number(process.argv[2] ?? 2000);
const mode = process.argv[3] ?? 'measure';
const secs = Number(process.argv[4] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'gk-harness-'));
const log = (m: string) => console.error(new Date().toISOString().slice(11, 19), m);
const db = await startEmbeddedPostgres(join(dir, 'data'), { persistent: false });
const admin = postgres(db.url, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE bench');
const url = db.urlFor('bench');
const sql = postgres(url, { max: 4, onnotice: () => {} });
await migrate(sql);
const server = await startLookupServer(sql, url, log, count);
console.table(server.rows);
try {
  if (mode === 'cpu') {
    const { readFileSync, readdirSync } = await import('node:fs');
    const pgPid = Number(readFileSync(join(dir, 'data', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const tick = 10000; // us per clock tick (CLK_TCK 100)
    const pgCpu = () => {
      let total = 0;
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
          const st = readFileSync(`/proc/${d}/stat`, 'utf8');
          const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
          const ppid = Number(f[1]);
          if (Number(d) === pgPid || ppid === pgPid) total += (Number(f[11]) + Number(f[12])) * tick;
        } catch {}
      }
      return total;
    };
    const rounds = Number(process.argv[5] ?? 2);
    for (let r = 0; r < rounds; r++)
    for (const [name, t] of [['plain', PLAIN], ['proof', PROOF]] as const) {
      if (r === 0) await load(server.url, t, server.addressesFile, 3);
      const c0 = process.cpuUsage();
      const p0 = pgCpu();
      const res = await load(server.url, t, server.addressesFile, secs);
      const c = process.cpuUsage(c0);
      const p = pgCpu() - p0;
      const n = res.requests + res.non2xx;
      log(`${name}: ${res.rps.toFixed(0)} req/s p50 ${res.p50} p99 ${res.p99}; node ${((c.user + c.system) / n).toFixed(0)} us/req, postgres ${(p / n).toFixed(0)} us/req, bad ${res.non2xx + res.errors}`);
    }
  } else if (mode === 'measure') {
    console.table(await measureLookups(sql, server.url, server.addressesFile, log));
  } else {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    for (const [name, t] of [['plain', PLAIN], ['proof', PROOF]] as const) {
      await load(server.url, t, server.addressesFile, 3);
      await session.post('Profiler.start');
      const r = await load(server.url, t, server.addressesFile, secs);
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`tmp-lb/${name}.cpuprofile`, JSON.stringify(profile));
      log(`${name}: ${r.rps.toFixed(0)} req/s p50 ${r.p50} p99 ${r.p99}`);
    }
  }
} finally {
  await server.stop();
  await sql.end();
  await admin.end();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
