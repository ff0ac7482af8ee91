// Monitor benchmark: a 1,000,000-entry log (real 102-byte entries, RFC 9162 tree, signed and
// cosigned checkpoint) built in memory and served over HTTP on localhost by a child process
// (the fake log server of the monitor tests, full tiles cached as a CDN would), then:
//  - raw: every entry bundle and level-0 hash tile (and the level-1 tiles) fetched with the
//    monitor's HTTP client and concurrency, not verified: the ceiling;
//  - monitor: a full first scan (Monitor.runOnce): every leaf hash against the tiles, every
//    upper tile, the root against the checkpoint, every entry checked for watched identities;
//    with node:crypto SHA-256 in the main thread, on a worker thread, and with @noble/hashes
//    (what a browser runs); its CPU time per entry (the figure the machine's load does not move);
//  - lookups: verifyLookup per second (policy, cosignature, VRF, inclusion) on fetched
//    responses, and end to end (HTTP fetch + verify + HeadStore) per second.
// Run with the others (`npm run bench`, module name `monitor`) or alone: `npx tsx test/bench/monitor.bench.ts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  HeadStore,
  LogClient,
  memoryStorage,
  Monitor,
  nobleSha256,
  parsePolicy,
  tileWidth,
  verifyLookup,
  type LookupResponse,
} from '@glasskey/verifier';
import { nodeHttpGet, nodeSha256, workerBundleHasher } from '@glasskey/verifier/node';
import type { BenchContext, BenchModule, BenchRow } from './bench-types.ts';

const ENTRIES = Number(process.env.MONITOR_BENCH_ENTRIES ?? 1_000_000);
const CONCURRENCY = 16;
const LOOKUP_ADDRESSES = 200;
const address = (i: number) => `user${i}@bench.example`;

interface Ready {
  url: string;
  policyText: string;
  size: number;
  buildSeconds: number;
}

/** Child process side: builds the log, serves it, prints one JSON line when ready. */
async function serveLogInChild(entries: number): Promise<void> {
  const { FakeLog, makeKeys, startFakeServer } = await import('../verifier/monitor-fake-server.ts');
  const t = performance.now();
  const log = new FakeLog(makeKeys('monitor.bench.example', 1));
  const per = Math.floor(entries / LOOKUP_ADDRESSES);
  for (let i = 0; i < LOOKUP_ADDRESSES; i++) {
    log.appendRandom(per - 1);
    log.bind(address(i), new Uint8Array([0x99, i & 255, i >> 8, 7]));
  }
  log.appendRandom(entries - log.size);
  log.publish();
  const server = await startFakeServer(log, { cacheFullTiles: true });
  const ready: Ready = { url: server.url, policyText: log.policyText, size: log.size, buildSeconds: (performance.now() - t) / 1000 };
  process.stdout.write(JSON.stringify(ready) + '\n');
}

const SERVE_ENV = 'GLASSKEY_MONITOR_BENCH_SERVE';

/**
 * The log is served by a child process, so that the monitor's CPU time (process.cpuUsage: main
 * thread and hashing workers) is the monitor's alone, whatever else the machine runs.
 */
function startLogProcess(entries: number): Promise<{ ready: Ready; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [SERVE_ENV]: String(entries) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ ready: JSON.parse(line) as Ready, child }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the benchmark log server exited (${code})`)));
  });
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Fetches what a full scan fetches (bundles and level-0 tiles in order, CONCURRENCY ahead; level-1 tiles), verifying nothing. */
async function rawFetch(client: LogClient, size: number): Promise<number> {
  const bundles = Math.ceil(size / 256);
  let next = 0;
  let bytes = 0;
  const inflight: Promise<void>[] = [];
  const fetchOne = async (b: number) => {
    const w = tileWidth(0, b, size);
    const [e, t] = await Promise.all([client.entryBundle(b, w), client.hashTile(0, b, w)]);
    bytes += e.length * 104 + t.length;
  };
  while (next < bundles || inflight.length > 0) {
    while (inflight.length < CONCURRENCY && next < bundles) inflight.push(fetchOne(next++));
    await inflight.shift();
  }
  for (let i = 0; i * 65536 < size - 65535; i++) await client.hashTile(1, i, tileWidth(1, i, size));
  return bytes;
}

async function scan(url: string, policyText: string, sha256: typeof nobleSha256, threads = 0): Promise<{ seconds: number; cpu: number; size: number }> {
  const get = nodeHttpGet();
  const hasher = threads > 0 ? workerBundleHasher(threads) : undefined;
  try {
    const policy = parsePolicy(policyText);
    const monitor = new Monitor({
      client: new LogClient(url, get),
      policy,
      watch: [{ address: address(3), certificateHashes: [] }, { address: address(150), certificateHashes: [] }],
      storage: memoryStorage(),
      headStore: new HeadStore(memoryStorage()),
      sha256,
      hashBundle: hasher?.hash,
      concurrency: CONCURRENCY,
    });
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await monitor.runOnce();
    const seconds = (performance.now() - t) / 1000;
    const cpu = cpuSeconds(c);
    if (r.verifiedSize !== ENTRIES || r.alerts.length !== 2) throw new Error(`monitor scan: verified ${r.verifiedSize}, ${r.alerts.length} alerts`);
    return { seconds, cpu, size: r.verifiedSize };
  } finally {
    get.close();
    await hasher?.close();
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.log(`monitor: building a ${ENTRIES.toLocaleString('en-US')}-entry log in a child process`);
  const { ready, child } = await startLogProcess(ENTRIES);
  const rows: BenchRow[] = [];
  try {
    ctx.log(`monitor: log built in ${ready.buildSeconds.toFixed(1)} s, served at ${ready.url}`);
    const get = nodeHttpGet();
    const client = new LogClient(ready.url, get);
    await rawFetch(client, ready.size); // warm-up: connections, JIT, the server's tile cache
    let rawSeconds = Infinity;
    let rawCpu = Infinity;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      bytes = await rawFetch(client, ready.size);
      rawSeconds = Math.min(rawSeconds, (performance.now() - t0) / 1000);
      rawCpu = Math.min(rawCpu, cpuSeconds(c0));
    }
    const rawRate = ready.size / rawSeconds;
    let t: number;

    ctx.log('monitor: full scans');
    let best = Infinity;
    let bestCpu = Infinity;
    for (let i = 0; i < 3; i++) {
      const r = await scan(ready.url, ready.policyText, nodeSha256);
      best = Math.min(best, r.seconds);
      bestCpu = Math.min(bestCpu, r.cpu);
    }
    let withWorker = Infinity;
    for (let i = 0; i < 2; i++) withWorker = Math.min(withWorker, (await scan(ready.url, ready.policyText, nodeSha256, 1)).seconds);
    const noble = await scan(ready.url, ready.policyText, nobleSha256);
    const scanRate = ready.size / best;

    ctx.log('monitor: lookups');
    const policy = parsePolicy(ready.policyText);
    const responses: LookupResponse[] = [];
    for (let i = 0; i < LOOKUP_ADDRESSES; i++) responses.push((await client.lookup(address(i)))!);
    let n = 0;
    t = performance.now();
    while (performance.now() - t < 3000) {
      const i = n++ % LOOKUP_ADDRESSES;
      verifyLookup(responses[i], policy, address(i));
    }
    const verifyRate = n / ((performance.now() - t) / 1000);
    const headStore = new HeadStore(memoryStorage());
    n = 0;
    t = performance.now();
    while (performance.now() - t < 3000) {
      const i = n++ % LOOKUP_ADDRESSES;
      const r = (await client.lookup(address(i)))!;
      await verifyLookup(r, policy, address(i), undefined, { headStore, consistencyProof: (a, b) => client.consistencyProof(a, b) });
    }
    const e2eRate = n / ((performance.now() - t) / 1000);
    get.close();

    rows.push(
      { name: `raw fetch of bundles + tiles, ${ready.size.toLocaleString('en-US')} entries, localhost`, value: rawRate, unit: 'entries/s', note: `${(bytes / 1e6).toFixed(0)} MB in ${rawSeconds.toFixed(2)} s, ${CONCURRENCY} bundles in flight, best of 3` },
      { name: 'monitor full scan (node:crypto, hashing in the main thread)', value: scanRate, unit: 'entries/s', note: `${best.toFixed(2)} s, best of 3; target >= 200,000` },
      { name: 'ratio monitor scan / raw fetch', value: (100 * scanRate) / rawRate, unit: '%' },
      { name: 'monitor CPU time per entry', value: (1e6 * bestCpu) / ready.size, unit: 'µs', note: `raw fetch: ${((1e6 * rawCpu) / ready.size).toFixed(2)} µs; load-independent` },
      { name: 'monitor entries per CPU-second', value: ready.size / bestCpu, unit: 'entries/s', note: 'what one free core sustains' },
      { name: 'monitor full scan, hashing on 1 worker thread', value: ready.size / withWorker, unit: 'entries/s', note: `${withWorker.toFixed(2)} s, best of 2; with 3+ cores the CLI hashes on cores-1 workers (at most 4)` },
      { name: 'monitor full scan (@noble/hashes, as in browsers)', value: ready.size / noble.seconds, unit: 'entries/s', note: `${noble.seconds.toFixed(2)} s` },
      { name: 'verifyLookup (in memory)', value: verifyRate, unit: 'lookups/s', note: 'policy + cosignature + VRF + inclusion, 1M-entry log' },
      { name: 'lookup over HTTP + verify + HeadStore', value: e2eRate, unit: 'lookups/s', note: 'sequential' },
    );
    return rows;
  } finally {
    child.kill();
  }
}

const bench: BenchModule = { name: 'monitor', run };
export default bench;

if (process.env[SERVE_ENV]) {
  await serveLogInChild(Number(process.env[SERVE_ENV]));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const rows = await run({
    log: (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`),
    database: () => Promise.reject(new Error('the monitor benchmark needs no database')),
  });
  for (const r of rows) console.log(`${r.name.padEnd(62)} ${(r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toPrecision(3)).padStart(12)} ${r.unit.padEnd(10)} ${r.note ?? ''}`);
}
