// Monitor benchmark: a 1,000,000-entry log (real 102-byte entries, RFC 9162 tree, signed and
// cosigned checkpoint) built in memory and served over HTTP on localhost by a worker thread
// (the fake log server of the monitor tests), then:
//  - raw: every entry bundle and level-0 hash tile (and the level-1 tiles) fetched with the
//    monitor's HTTP client and concurrency, not verified: the ceiling;
//  - monitor: a full first scan (Monitor.runOnce): every leaf hash against the tiles, every
//    upper tile, the root against the checkpoint, every entry checked for watched identities;
//    with node:crypto SHA-256 (the CLI) and with @noble/hashes (what a browser runs);
//  - lookups: verifyLookup per second (policy, cosignature, VRF, inclusion) on fetched
//    responses, and end to end (HTTP fetch + verify + HeadStore) per second.
// Run with the others (`npm run bench`, module name `monitor`) or alone: `npx tsx test/bench/monitor.bench.ts`.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
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
import { nodeHttpGet, nodeSha256 } from '@glasskey/verifier/node';
import type { BenchContext, BenchModule, BenchRow } from './bench-types.ts';

const ENTRIES = Number(process.env.MONITOR_BENCH_ENTRIES ?? 1_000_000);
const CONCURRENCY = 8;
const LOOKUP_ADDRESSES = 200;
const address = (i: number) => `user${i}@bench.example`;

interface Ready {
  url: string;
  policyText: string;
  size: number;
  buildSeconds: number;
}

/** Worker side: builds the log and serves it until terminated. */
async function serveLogInWorker(entries: number): Promise<void> {
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
  const server = await startFakeServer(log);
  const ready: Ready = { url: server.url, policyText: log.policyText, size: log.size, buildSeconds: (performance.now() - t) / 1000 };
  parentPort!.postMessage(ready);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'monitor-bench-log') {
  void serveLogInWorker((workerData as { entries: number }).entries);
}

function startLogWorker(entries: number): Promise<{ ready: Ready; worker: Worker }> {
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { role: 'monitor-bench-log', entries } });
  return new Promise((resolve, reject) => {
    worker.once('message', (ready: Ready) => resolve({ ready, worker }));
    worker.once('error', reject);
  });
}

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

async function scan(url: string, policyText: string, sha256: typeof nobleSha256): Promise<{ seconds: number; size: number }> {
  const get = nodeHttpGet();
  try {
    const policy = parsePolicy(policyText);
    const monitor = new Monitor({
      client: new LogClient(url, get),
      policy,
      watch: [{ address: address(3), certificateHashes: [] }, { address: address(150), certificateHashes: [] }],
      storage: memoryStorage(),
      headStore: new HeadStore(memoryStorage()),
      sha256,
      concurrency: CONCURRENCY,
    });
    const t = performance.now();
    const r = await monitor.runOnce();
    const seconds = (performance.now() - t) / 1000;
    if (r.verifiedSize !== ENTRIES || r.alerts.length !== 2) throw new Error(`monitor scan: verified ${r.verifiedSize}, ${r.alerts.length} alerts`);
    return { seconds, size: r.verifiedSize };
  } finally {
    get.close();
  }
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.log(`monitor: building a ${ENTRIES.toLocaleString('en-US')}-entry log in a worker thread`);
  const { ready, worker } = await startLogWorker(ENTRIES);
  const rows: BenchRow[] = [];
  try {
    ctx.log(`monitor: log built in ${ready.buildSeconds.toFixed(1)} s, served at ${ready.url}`);
    const get = nodeHttpGet();
    const client = new LogClient(ready.url, get);
    await rawFetch(client, ready.size); // warm-up (connections, JIT, the server's code paths)
    let t = performance.now();
    const bytes = await rawFetch(client, ready.size);
    const rawSeconds = (performance.now() - t) / 1000;
    const rawRate = ready.size / rawSeconds;

    ctx.log('monitor: full scans');
    const fast = await scan(ready.url, ready.policyText, nodeSha256);
    const fast2 = await scan(ready.url, ready.policyText, nodeSha256);
    const best = Math.min(fast.seconds, fast2.seconds);
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
      { name: `raw fetch of bundles + tiles, ${ready.size.toLocaleString('en-US')} entries, localhost`, value: rawRate, unit: 'entries/s', note: `${(bytes / 1e6).toFixed(0)} MB in ${rawSeconds.toFixed(2)} s, ${CONCURRENCY} bundles in flight` },
      { name: 'monitor full scan (node:crypto SHA-256)', value: scanRate, unit: 'entries/s', note: `${best.toFixed(2)} s; target >= 200,000` },
      { name: 'ratio monitor scan / raw fetch', value: (100 * scanRate) / rawRate, unit: '%' },
      { name: 'monitor full scan (@noble/hashes, as in browsers)', value: ready.size / noble.seconds, unit: 'entries/s', note: `${noble.seconds.toFixed(2)} s` },
      { name: 'verifyLookup (in memory)', value: verifyRate, unit: 'lookups/s', note: 'policy + cosignature + VRF + inclusion, 1M-entry log' },
      { name: 'lookup over HTTP + verify + HeadStore', value: e2eRate, unit: 'lookups/s', note: 'sequential' },
    );
    return rows;
  } finally {
    await worker.terminate();
  }
}

const bench: BenchModule = { name: 'monitor', run };
export default bench;

if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const rows = await run({
    log: (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`),
    database: () => Promise.reject(new Error('the monitor benchmark needs no database')),
  });
  for (const r of rows) console.log(`${r.name.padEnd(62)} ${Math.round(r.value).toLocaleString('en-US').padStart(12)} ${r.unit.padEnd(10)} ${r.note ?? ''}`);
}
