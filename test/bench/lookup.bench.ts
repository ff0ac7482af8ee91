// Lookups per second with proof (GET /api/v1/lookup?email=) against plain VKS lookups
// (GET /vks/v1/by-email/) on the same running server (startService: hono over PostgreSQL,
// with the sequencer and mail queue running) holding 100,000 bound addresses
// (lookup-directory.ts says how they are made). The load comes from autocannon in a second
// process (lookup-load.ts), 200 connections, each request for a random bound address. After a
// warm-up of each endpoint, the measured runs alternate plain, proof, proof, plain (ABBA), so
// drift on a shared machine hits both alike; req/s and CPU are means over the runs, p99 the
// median run's (and the worst run's); each run also records the server's and PostgreSQL's CPU time per request. Before the
// load, a sample of lookups is verified with @glasskey/verifier's verifyLookup under the
// server's own policy, and the VKS bytes compared with the proven ones. test/bench/README.md
// has the figures and how to read them.
//
// Environment: BENCH_LOOKUP_ADDRESSES (100000), BENCH_LOOKUP_CONNECTIONS (200),
// BENCH_LOOKUP_SECONDS (5, per measured run), BENCH_LOOKUP_WARMUP (5 s per endpoint),
// BENCH_LOOKUP_ROUNDS (3 ABBA rounds, each 2 runs per endpoint), BENCH_LOOKUP_CACHE=0,
// BENCH_WORKERS (threads for the certificate and VRF generation).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from 'postgres';
import { base64Encode, parsePolicy, verifyLookup } from '@glasskey/verifier';
import { loadOrCreateKeys, signNote } from '../../log/index.ts';
import { loadConfig } from '../../server/config.ts';
import { freePort } from '../../server/db/free-port.ts';
import { startService } from '../../server/start.ts';
import type { BenchContext, BenchModule, BenchRow } from './bench-types.ts';
import { cpuClock } from './cpu-time.ts';
import { buildDirectory, checkDirectory, generateBindings } from './lookup-directory.ts';
import type { LoadResult } from './lookup-load.ts';

const COUNT = Number(process.env.BENCH_LOOKUP_ADDRESSES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_LOOKUP_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_LOOKUP_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_LOOKUP_WARMUP ?? 5);
const ROUNDS = Number(process.env.BENCH_LOOKUP_ROUNDS ?? 3);
const VERIFY_SAMPLE = 200;
const APPEND_BIND_SAMPLE = 50;

export const PLAIN = '/vks/v1/by-email/{address}';
export const PROOF = '/api/v1/lookup?email={address}';

function pick<T>(items: readonly T[], n: number): T[] {
  return Array.from({ length: n }, () => items[Math.floor(Math.random() * items.length)]);
}

/** One autocannon run in a child process. */
export function load(url: string, template: string, addressesFile: string, seconds: number): Promise<LoadResult> {
  const script = new URL('./lookup-load.ts', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, template, addressesFile, String(CONNECTIONS), String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch (err) {
        reject(new Error(`load generator printed no result: ${out}`, { cause: err }));
      }
    });
  });
}

/** Verifies `n` random lookups with the verifier and compares them with the VKS bytes; returns how many passed. */
async function verifySample(url: string, addresses: readonly string[], n: number): Promise<number> {
  const policy = parsePolicy(await (await fetch(`${url}/api/v1/policy`)).text());
  let ok = 0;
  for (const address of pick(addresses, n)) {
    const res = await fetch(`${url}/api/v1/lookup?email=${encodeURIComponent(address)}`);
    if (res.status !== 200) throw new Error(`lookup of ${address}: HTTP ${res.status}`);
    const body = await res.json();
    verifyLookup(body, policy, address);
    const plain = await fetch(`${url}/vks/v1/by-email/${encodeURIComponent(address)}`);
    if (plain.status !== 200) throw new Error(`VKS lookup of ${address}: HTTP ${plain.status}`);
    if ((await plain.text()) !== body.certificate) throw new Error(`VKS and the proven lookup serve different bytes for ${address}`);
    ok++;
  }
  for (const path of [`/api/v1/lookup?email=nobody@mail1.bench.example`, `/vks/v1/by-email/nobody@mail1.bench.example`]) {
    const res = await fetch(url + path);
    if (res.status !== 404) throw new Error(`${path}: expected 404, got ${res.status}`);
    await res.arrayBuffer();
  }
  return ok;
}

interface MeasuredRun extends LoadResult {
  /** Server (this process) CPU microseconds per answered request. */
  nodeUs: number;
  /** PostgreSQL (the whole cluster) CPU microseconds per answered request. */
  pgUs: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number) => x.toFixed(x < 10 ? 1 : 0);

export interface LookupServer {
  url: string;
  addresses: string[];
  /** One bound address a line, for the load generator. */
  addressesFile: string;
  rows: BenchRow[];
  stop(): Promise<void>;
}

/**
 * Builds the directory on a migrated, empty database (`sql` is a pool on `databaseUrl`), checks
 * it, starts the service on it and verifies a sample of lookups.
 */
export async function startLookupServer(sql: Sql, databaseUrl: string, log: (m: string) => void, count = COUNT): Promise<LookupServer> {
  const rows: BenchRow[] = [];
  const generation = await generateBindings(count, log);
  const dataDir = mkdtempSync(join(tmpdir(), 'glasskey-bench-lookup-'));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      GLASSKEY_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      GLASSKEY_VRF_KEY: base64Encode(generation.generated.vrfSecretKey),
    });
    const keys = loadOrCreateKeys({ origin: config.origin, dataDir, vrfKey: config.vrfKey });
    const built = await buildDirectory(sql, generation, { origin: config.origin, signCheckpoint: (body) => signNote(body, [keys.signer]), log });
    rows.push({
      name: `build directory of ${count.toLocaleString('en-US')} bound addresses`,
      value: built.generateSeconds + built.insertSeconds + built.integrateSeconds,
      unit: 's',
      note:
        `${built.certificates} certificates x ${Math.ceil(count / built.certificates)} addresses; keys, cleaning and VRF ${built.generateSeconds.toFixed(1)} s` +
        `${built.generateCached ? ' (from cache)' : ''}, insert ${built.insertSeconds.toFixed(1)} s, integrate ${built.integrateSeconds.toFixed(1)} s; log size ${built.size}`,
    });
    const changed = await checkDirectory(sql, built.vrfSecretKey, pick(built.addresses, APPEND_BIND_SAMPLE));
    if (changed > 0) throw new Error(`appendBind would change ${changed} of ${APPEND_BIND_SAMPLE} sampled bindings: the bulk rows differ from the real path`);

    const errors: string[] = [];
    const service = await startService(config, { log: (m, err) => (err !== undefined ? errors.push(`${m} ${String(err)}`) : undefined) });
    const stop = async () => {
      await service.stop();
      cleanup();
      if (errors.length > 0) throw new Error(`the server logged errors:\n${errors.slice(0, 5).join('\n')}`);
    };
    try {
      const addressesFile = join(dataDir, 'addresses.txt');
      writeFileSync(addressesFile, built.addresses.join('\n') + '\n');
      const verified = await verifySample(service.url, built.addresses, VERIFY_SAMPLE);
      rows.push({
        name: 'sampled lookups verified (verifyLookup, VKS bytes equal)',
        value: verified,
        unit: `of ${VERIFY_SAMPLE}`,
        note: `appendBind finds nothing to change for ${APPEND_BIND_SAMPLE} sampled addresses`,
      });
      return { url: service.url, addresses: built.addresses, addressesFile, rows, stop };
    } catch (err) {
      await stop().catch(() => {});
      throw err;
    }
  } catch (err) {
    cleanup();
    throw err;
  }
}

/**
 * Warm-up, then ABBA rounds of plain and proof lookups; the result rows. Besides the load
 * generator's figures, each run records the CPU time the server process (this one) and the
 * PostgreSQL cluster spent per request (cpu-time.ts): steadier than req/s on a shared machine.
 */
export async function measureLookups(sql: Sql, url: string, addressesFile: string, log: (m: string) => void): Promise<BenchRow[]> {
  const clock = await cpuClock(sql);
  log(`warm-up: ${WARMUP} s each endpoint`);
  await load(url, PLAIN, addressesFile, WARMUP);
  await load(url, PROOF, addressesFile, WARMUP);
  const plain: MeasuredRun[] = [];
  const proof: MeasuredRun[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, template, into] of [
      ['plain', PLAIN, plain],
      ['proof', PROOF, proof],
      ['proof', PROOF, proof],
      ['plain', PLAIN, plain],
    ] as const) {
      log(`${name}: ${CONNECTIONS} connections, ${SECONDS} s`);
      const [node0, pg0] = clock.read();
      const result = await load(url, template, addressesFile, SECONDS);
      const [node1, pg1] = clock.read();
      const answered = Math.max(1, result.requests + result.non2xx);
      const run = { ...result, nodeUs: ((node1 - node0) * 1e6) / answered, pgUs: ((pg1 - pg0) * 1e6) / answered };
      const failed = result.non2xx + result.errors + result.timeouts;
      log(
        `  ${fmt(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms; CPU a request: server ${fmt(run.nodeUs)} us, PostgreSQL ${fmt(run.pgUs)} us` +
          (failed > 0 ? `; ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` : ''),
      );
      into.push(run);
    }
  }
  const bad = [...plain, ...proof].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
  const summary = (results: MeasuredRun[]) => ({
    rps: mean(results.map((r) => r.rps)),
    p50: mean(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    p99worst: Math.max(...results.map((r) => r.p99)),
    bytes: mean(results.map((r) => r.bytesPerResponse)),
    nodeUs: mean(results.map((r) => r.nodeUs)),
    pgUs: mean(results.map((r) => r.pgUs)),
  });
  const p = summary(plain);
  const q = summary(proof);
  const runs = `${plain.length} runs of ${SECONDS} s, ${CONNECTIONS} connections`;
  return [
    { name: 'plain lookups (GET /vks/v1/by-email/)', value: p.rps, unit: 'req/s', note: `${runs}; p50 ${fmt(p.p50)} ms, ${Math.round(p.bytes)} B a response` },
    { name: 'lookups with proof (GET /api/v1/lookup)', value: q.rps, unit: 'req/s', note: `${runs}; p50 ${fmt(q.p50)} ms, ${Math.round(q.bytes)} B a response` },
    { name: 'proof / plain throughput', value: q.rps / p.rps, unit: 'ratio', note: `target >= 0.75${bad > 0 ? `; ${bad} failed requests` : ''}` },
    { name: 'p99 latency, plain', value: p.p99, unit: 'ms', note: `median of the runs; worst run ${p.p99worst} ms` },
    { name: 'p99 latency, with proof', value: q.p99, unit: 'ms', note: `median of the runs; worst run ${q.p99worst} ms; target < 50 ms` },
    { name: 'server CPU a request, plain', value: p.nodeUs, unit: 'us', note: `PostgreSQL ${fmt(p.pgUs)} us` },
    { name: 'server CPU a request, with proof', value: q.nodeUs, unit: 'us', note: `PostgreSQL ${fmt(q.pgUs)} us` },
    {
      name: 'plain / proof CPU a request (server + PostgreSQL)',
      value: (p.nodeUs + p.pgUs) / (q.nodeUs + q.pgUs),
      unit: 'ratio',
      note: 'the throughput ratio a CPU-bound server would reach; steadier on a shared machine',
    },
  ];
}

/** The whole benchmark on a migrated, empty database (`sql` is a pool on `databaseUrl`). */
export async function lookupBenchmark(sql: Sql, databaseUrl: string, log: (m: string) => void): Promise<BenchRow[]> {
  const server = await startLookupServer(sql, databaseUrl, log);
  try {
    return [...server.rows, ...(await measureLookups(sql, server.url, server.addressesFile, log))];
  } finally {
    await server.stop();
  }
}

const bench: BenchModule = {
  name: 'lookup',
  async run(ctx: BenchContext) {
    const { sql, url } = await ctx.database('bench_lookup', 4);
    return lookupBenchmark(sql, url, ctx.log);
  },
};
export default bench;
