// `npm run bench`: starts its own embedded PostgreSQL in a temporary directory, runs each
// benchmark module listed below (or those whose name contains an argument), prints one table
// of figures and stops the database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { startEmbeddedPostgres } from '../../server/db/embedded.ts';
import { migrate } from '../../server/db/migrate.ts';
import type { BenchContext, BenchModule, BenchRow } from './bench-types.ts';

const MODULES = ['./log.bench.ts', './verifier.bench.ts', './lookup.bench.ts', './monitor.bench.ts', './pages.bench.ts', './cross-origin.bench.ts'];

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

function printTable(rows: (BenchRow & { module: string })[]): void {
  const cells = rows.map((r) => [r.module, r.name, formatValue(r.value), r.unit, r.note ?? '']);
  const head = ['module', 'benchmark', 'value', 'unit', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

async function main() {
  const filters = process.argv.slice(2);
  const dir = mkdtempSync(join(tmpdir(), 'glasskey-bench-'));
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
  log(`starting embedded PostgreSQL in ${dir}`);
  const db = await startEmbeddedPostgres(join(dir, 'data'), { persistent: false });
  const pools: Sql[] = [];
  const admin = postgres(db.url, { max: 1, onnotice: () => {} });
  pools.push(admin);
  const ctx: BenchContext = {
    async database(name, max = 10) {
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = db.urlFor(name);
      const sql = postgres(url, { max, onnotice: () => {} });
      pools.push(sql);
      await migrate(sql);
      return { sql, url };
    },
    log,
  };
  const results: (BenchRow & { module: string })[] = [];
  try {
    for (const path of MODULES) {
      if (filters.length > 0 && !filters.some((f) => path.includes(f))) continue;
      const mod = (await import(path)).default as BenchModule;
      log(`running ${mod.name}`);
      for (const row of await mod.run(ctx)) results.push({ module: mod.name, ...row });
    }
  } finally {
    await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log();
  printTable(results);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
