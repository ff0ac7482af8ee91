// Benchmarks of the log's write side on the runner's PostgreSQL: building a 1,000,000-entry
// log, sustained integration by the sequencer into it (with the plain-INSERT and node:crypto
// SHA-256 baselines of the same rows and hashing work, in the same run), end-to-end with
// concurrent writers, and proof generation at that size, warm and cold.
import { hash, randomBytes } from 'node:crypto';
import postgres from 'postgres';
import {
  appendPending,
  consistencyProof,
  DEFAULT_MAX_BATCH,
  inclusionProof,
  integrate,
  latestCheckpoint,
  startSequencer,
  type IntegrateResult,
} from '../../log/index.ts';
import { generateSigner, signNote } from '../../log/note-signer.ts';
import { packBytes } from '../../log/sql-arrays.ts';
import { cpuClock } from './cpu-time.ts';
import { ratePerSecond, type BenchContext, type BenchModule, type BenchRow } from './bench-types.ts';

const ORIGIN = 'bench.glasskey.example';
const PREFIX = Number(process.env.BENCH_PREFIX ?? 1_000_000);
const SUSTAINED = Number(process.env.BENCH_SUSTAINED ?? 300_000);
const ROUNDS = 5;
const BUILD_BATCH = 65536;
const BATCH = Number(process.env.BENCH_BATCH ?? DEFAULT_MAX_BATCH);
const ENTRY_SIZE = 102;

function entries(n: number): Uint8Array[] {
  const all = randomBytes(n * ENTRY_SIZE);
  return Array.from({ length: n }, (_, i) => all.subarray(i * ENTRY_SIZE, (i + 1) * ENTRY_SIZE));
}

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n = Math.floor(n / 2)) c += n % 2;
  return c;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { sql, url } = await ctx.database('bench_log');
  const signer = generateSigner(ORIGIN);
  const opts = { origin: ORIGIN, signCheckpoint: (body: string) => signNote(body, [signer]) };

  // 1. The 1M prefix, with the integrator itself in batches of 65536.
  ctx.log(`building a log of ${PREFIX} entries`);
  let appendS = 0;
  let integrateS = 0;
  const t0 = performance.now();
  for (let done = 0; done < PREFIX; ) {
    const n = Math.min(BUILD_BATCH, PREFIX - done);
    const batch = entries(n);
    let t = performance.now();
    for (let i = 0; i < n; i += 16384) await appendPending(sql, batch.slice(i, i + 16384));
    appendS += seconds(t);
    t = performance.now();
    const r = await integrate(sql, { ...opts, maxBatch: BUILD_BATCH });
    integrateS += seconds(t);
    done += r!.appended;
  }
  const buildS = seconds(t0);
  // Settle what the build left behind (autovacuum of the new tables, dirty buffers), so the
  // sustained figures are steady state rather than the build's aftermath.
  const settleT = performance.now();
  await sql`VACUUM ANALYZE`;
  await sql`CHECKPOINT`;
  const settleS = seconds(settleT);
  rows.push({
    name: `build ${PREFIX.toLocaleString('en-US')}-entry prefix`,
    value: buildS,
    unit: 's',
    note: `appendPending ${appendS.toFixed(1)} s + integrate ${integrateS.toFixed(1)} s (batches of ${BUILD_BATCH}); then VACUUM + CHECKPOINT ${settleS.toFixed(1)} s`,
  });

  // 2. Sustained integration into the 1M log: a backlog of pending entries drained by the
  //    sequencer in the batches it makes (maxBatch = default), and the plain-INSERT baseline of
  //    the same rows and batch size, in alternating rounds (the machine is shared: medians).
  await sql`CREATE TABLE bench_plain (entry bytea NOT NULL)`;
  // Vacuum of the deleted pending rows is counted with integration (run explicitly at the end of
  // each drain), not left to autovacuum landing in the middle of the baseline.
  await sql`ALTER TABLE log_pending SET (autovacuum_enabled = false)`;
  const clock = await cpuClock(sql);
  const cpu = { integrate: [0, 0], insert: [0, 0], vacuum: [0, 0] };
  const addCpu = (into: number[], from: [number, number]) => {
    const now = clock.read();
    into[0] += now[0] - from[0];
    into[1] += now[1] - from[1];
  };
  const start = (await latestCheckpoint(sql))!.size;
  const perRound = Math.floor(SUSTAINED / ROUNDS);
  const pendingRates: number[] = [];
  const integrateRates: number[] = [];
  const insertRates: number[] = [];
  let batches = 0;
  const sustained: Uint8Array[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const batch = entries(perRound);
    sustained.push(...batch);
    let t = performance.now();
    for (let i = 0; i < perRound; i += BATCH) await appendPending(sql, batch.slice(i, i + BATCH));
    pendingRates.push(perRound / seconds(t));
    const target = (await latestCheckpoint(sql))!.size + perRound;
    ctx.log(`round ${round + 1}/${ROUNDS}: sequencer draining ${perRound} pending entries, then plain INSERT`);
    let finish!: () => void;
    const drained = new Promise<void>((resolve) => (finish = resolve));
    let c = clock.read();
    t = performance.now();
    const seq = startSequencer(sql, {
      ...opts,
      maxBatch: BATCH,
      intervalMs: 50,
      onError: (err) => ctx.log(`sequencer error: ${String(err)}`),
      onIntegrated: (r: IntegrateResult) => {
        batches++;
        if (r.size >= target) finish();
      },
    });
    await drained;
    integrateRates.push(perRound / seconds(t));
    await seq.stop();
    addCpu(cpu.integrate, c);
    c = clock.read();
    await sql`VACUUM log_pending`;
    addCpu(cpu.integrate, c);
    addCpu(cpu.vacuum, c);
    // Baseline 1: the same rows, plain INSERT into an unindexed table, same batch size.
    c = clock.read();
    t = performance.now();
    for (let i = 0; i < perRound; i += BATCH) {
      const p = packBytes(batch.slice(i, i + BATCH));
      await sql`
        INSERT INTO bench_plain (entry)
        SELECT substring(${p.blob}::bytea FROM o + 1 FOR l) FROM unnest(${p.offsets}::int4[], ${p.lengths}::int4[]) AS t(o, l)`;
    }
    insertRates.push(perRound / seconds(t));
    addCpu(cpu.insert, c);
  }
  await sql`ALTER TABLE log_pending RESET (autovacuum_enabled)`;
  const integrateRate = median(integrateRates);
  const insertRate = median(insertRates);

  // Baseline 2: node:crypto SHA-256 of the same hashing work: one leaf hash per entry, one node
  // hash per merge, and each batch's root fold.
  let nodeHashes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const first = start + r * perRound;
    for (let s = first; s < first + perRound; s += BATCH) {
      const e = Math.min(s + BATCH, first + perRound);
      nodeHashes += e - s - (popcount(e) - popcount(s)) + popcount(e) - 1;
    }
  }
  const leafInput = Buffer.alloc(1 + ENTRY_SIZE);
  const nodeInput = Buffer.alloc(65, 1);
  let t = performance.now();
  for (const e of sustained) {
    leafInput.set(e, 1);
    hash('sha256', leafInput, 'buffer');
  }
  for (let i = 0; i < nodeHashes; i++) hash('sha256', nodeInput, 'buffer');
  const hashRate = sustained.length / seconds(t);

  const spread = (xs: number[]) => xs.map((x) => Math.round(x / 1000) + 'k').join(' ');
  rows.push(
    { name: 'appendPending (batches of 4096, unintegrated)', value: median(pendingRates), unit: 'entries/s', note: `rounds: ${spread(pendingRates)}` },
    {
      name: `integration, sustained, into ${PREFIX.toLocaleString('en-US')}+`,
      value: integrateRate,
      unit: 'entries/s',
      note: `median of ${ROUNDS} rounds (${spread(integrateRates)}); ${sustained.length} entries, ${batches} sequencer batches of <= ${BATCH}`,
    },
    { name: 'baseline: plain INSERT, unindexed, same rows/batches', value: insertRate, unit: 'rows/s', note: `rounds: ${spread(insertRates)}` },
    { name: 'ratio integration / plain INSERT', value: (100 * integrateRate) / insertRate, unit: '%', note: 'target >= 50%' },
    {
      name: 'integration CPU per entry (Node + PostgreSQL)',
      value: (1e6 * (cpu.integrate[0] + cpu.integrate[1])) / sustained.length,
      unit: 'µs',
      note: `Node ${((1e6 * cpu.integrate[0]) / sustained.length).toFixed(2)} + PostgreSQL ${((1e6 * cpu.integrate[1]) / sustained.length).toFixed(2)}, of which VACUUM of the pending rows ${((1e6 * (cpu.vacuum[0] + cpu.vacuum[1])) / sustained.length).toFixed(2)}`,
    },
    {
      name: 'plain INSERT CPU per row (Node + PostgreSQL)',
      value: (1e6 * (cpu.insert[0] + cpu.insert[1])) / sustained.length,
      unit: 'µs',
      note: `Node ${((1e6 * cpu.insert[0]) / sustained.length).toFixed(2)} + PostgreSQL ${((1e6 * cpu.insert[1]) / sustained.length).toFixed(2)}`,
    },
    {
      name: 'ratio by CPU (plain INSERT CPU / integration CPU)',
      value: (100 * (cpu.insert[0] + cpu.insert[1])) / (cpu.integrate[0] + cpu.integrate[1]),
      unit: '%',
      note: 'what a CPU-bound machine would reach; steadier on a shared one',
    },
    { name: 'baseline: node:crypto SHA-256 of the same hashing', value: hashRate, unit: 'entries/s', note: `${sustained.length + nodeHashes} hashes` },
    { name: 'ratio integration / SHA-256 alone', value: (100 * integrateRate) / hashRate, unit: '%' },
  );

  // 3. End to end: 4 writers appending batches of 100 while the sequencer runs.
  ctx.log('end to end: 4 writers and the sequencer');
  const writerSql = postgres(url, { max: 4, onnotice: () => {} });
  const before = (await latestCheckpoint(sql))!.size;
  let written = 0;
  let stopWriters = false;
  const seq2 = startSequencer(sql, { ...opts, intervalMs: 50, onError: (err) => ctx.log(`sequencer error: ${String(err)}`) });
  t = performance.now();
  const writers = Array.from({ length: 4 }, async () => {
    while (!stopWriters) {
      await appendPending(writerSql, entries(100));
      written += 100;
    }
  });
  await new Promise((r) => setTimeout(r, 8000));
  stopWriters = true;
  await Promise.all(writers);
  const writeS = seconds(t);
  while ((await latestCheckpoint(sql))!.size < before + written) await new Promise((r) => setTimeout(r, 20));
  const e2eS = seconds(t);
  await seq2.stop();
  await writerSql.end();
  rows.push({
    name: 'end to end: 4 writers x 100-entry appends + sequencer',
    value: written / e2eS,
    unit: 'entries/s',
    note: `${written} entries written in ${writeS.toFixed(1)} s, all integrated after ${e2eS.toFixed(1)} s`,
  });

  // 4. Proofs at the current size (~1.3M), warm: every tile cached after a warm-up pass.
  const size = (await latestCheckpoint(sql))!.size;
  const rnd = (n: number) => Math.floor(Math.random() * n);
  ctx.log(`proofs at size ${size}: warming the tile cache`);
  t = performance.now();
  for (let i = 0; i < size; i += 256) await inclusionProof(sql, i, size);
  const warmS = seconds(t);
  const incl = await ratePerSecond(3000, () => inclusionProof(sql, rnd(size), size));
  const inclAny = await ratePerSecond(2000, () => {
    const s = 1 + rnd(size);
    return inclusionProof(sql, rnd(s), s);
  });
  const cons = await ratePerSecond(3000, () => consistencyProof(sql, 1 + rnd(size - 1), size));
  const consAny = await ratePerSecond(2000, () => {
    const s2 = 2 + rnd(size - 1);
    return consistencyProof(sql, 1 + rnd(s2 - 1), s2);
  });
  // Cold: a new pool, so every proof reads its tiles (one query) and hashes inside them.
  const cold = postgres(url, { max: 4, onnotice: () => {} });
  await cold`SELECT 1`;
  const inclCold = await ratePerSecond(2000, () => inclusionProof(cold, rnd(size), size));
  const consCold = await ratePerSecond(2000, () => consistencyProof(cold, 1 + rnd(size - 1), size));
  await cold.end();
  rows.push(
    { name: `inclusion proofs at ${size}, warm`, value: incl, unit: 'proofs/s', note: `target >= 5,000; warm-up ${warmS.toFixed(1)} s` },
    { name: 'inclusion proofs, random size <= tree, warm', value: inclAny, unit: 'proofs/s' },
    { name: `consistency proofs to ${size}, warm`, value: cons, unit: 'proofs/s', note: 'target >= 5,000' },
    { name: 'consistency proofs, random sizes, warm', value: consAny, unit: 'proofs/s' },
    { name: 'inclusion proofs, cold (new pool, empty cache)', value: inclCold, unit: 'proofs/s', note: 'sequential, one query each' },
    { name: 'consistency proofs, cold', value: consCold, unit: 'proofs/s', note: 'sequential, one query each' },
  );
  return rows;
}

const bench: BenchModule = { name: 'log', run };
export default bench;
