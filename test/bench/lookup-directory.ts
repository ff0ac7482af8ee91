// Builds the lookup benchmark's directory: N bound addresses on real certificates, through the
// same rows appendBind writes and the real integrator, bulk-inserted.
//
// What is real: every certificate is made by openpgp.generateKey (ed25519Legacy primary key
// with a cv25519 subkey, the default of gpg-compatible ECC keys) with 32 user IDs, one per
// address (32 is the directory's per-certificate address limit), then cleaned by the server's
// loadCertificate. The bytes served for an address are certificateForAddress(clean, address):
// the primary key, its subkey and only that address's user ID with its self-signature, so each
// address gets its own distinct, valid certificate, as if 3,125 people had each uploaded a key
// with 32 addresses and verified all of them. Each address's identity and VRF proof come from
// the log's vrfProve with the directory's VRF key. The entry is the 102-byte bind entry
// (version 1, SHA-256 of the served bytes); rows go into certificates, certificate_keys,
// addresses, log_pending (appendPending) and address_entries exactly as the upload and
// confirm paths write them; the log is built by integrate() in batches of 65,536, and
// address_entries.log_index is filled as confirmToken's recordLogIndex does. checkDirectory()
// then asks the real appendBind, for a sample of addresses, in a transaction that is rolled
// back, whether anything would change (it answers null only if the newest entry binds exactly
// the bytes it would serve, to the same certificate).
//
// The CPU part (keys, cleaning, VRF proofs: about 8 ms of CPU per address, mostly the VRF)
// runs on worker threads, and its result is cached in the temporary directory (keyed by the
// address count), so later runs skip it. BENCH_LOOKUP_CACHE=0 rebuilds without the cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Sql } from 'postgres';
import { encodeEntry } from '@glasskey/verifier';
import { appendPending, integrate, vrfKeygen } from '../../log/index.ts';
import { appendBind } from '../../server/directory/append-binding.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import type { BuiltCertificate, CertificateJob, WorkerRequest } from './lookup-worker.ts';

/** Addresses per certificate: the directory's limit per certificate. */
export const ADDRESSES_PER_CERTIFICATE = 32;
const CACHE_FORMAT = 1;
const JOBS_PER_MESSAGE = 16;

export function benchAddress(i: number): string {
  return `user.${i}@mail${i % 1000}.bench.example`;
}

export interface Generated {
  format: number;
  count: number;
  vrfSecretKey: Uint8Array;
  certificates: BuiltCertificate[];
}

function runWorkers(vrfSecretKey: Uint8Array, jobs: CertificateJob[], threads: number, log: (m: string) => void): Promise<BuiltCertificate[]> {
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./lookup-worker.ts', import.meta.url).href)}); })`;
  const results: BuiltCertificate[][] = [];
  let next = 0;
  let done = 0;
  let lastLog = Date.now();
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const finish = (err?: Error) => {
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(results.flat());
    };
    const feed = (w: Worker) => {
      if (next >= jobs.length) {
        void w.terminate();
        return;
      }
      const slot = next / JOBS_PER_MESSAGE;
      const batch = jobs.slice(next, next + JOBS_PER_MESSAGE);
      next += batch.length;
      w.once('message', (m: { ok: boolean; certificates?: BuiltCertificate[]; error?: string }) => {
        if (!m.ok) return finish(new Error(`lookup worker: ${m.error}`));
        results[slot] = m.certificates!;
        done += batch.length;
        if (done === jobs.length) return finish();
        if (Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          log(`  ${done} of ${jobs.length} certificates`);
        }
        feed(w);
      });
      w.postMessage({ vrfSecretKey, jobs: batch } satisfies WorkerRequest);
    };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(bootstrap, { eval: true });
      w.on('error', (err) => finish(err));
      workers.push(w);
      w.once('online', () => feed(w));
    }
  });
}

export interface Generation {
  generated: Generated;
  cached: boolean;
  seconds: number;
}

/** The certificates, served bytes and VRF proofs for `count` addresses (from the cache when there). */
export async function generateBindings(count: number, log: (m: string) => void): Promise<Generation> {
  const t0 = performance.now();
  const useCache = process.env.BENCH_LOOKUP_CACHE !== '0';
  const dir = join(tmpdir(), 'glasskey-bench-cache');
  const file = join(dir, `lookup-v${CACHE_FORMAT}-${count}.v8`);
  if (useCache && existsSync(file)) {
    const generated = deserialize(readFileSync(file)) as Generated;
    if (generated.format === CACHE_FORMAT && generated.count === count) {
      log(`certificates and VRF proofs for ${count} addresses from ${file}`);
      return { generated, cached: true, seconds: (performance.now() - t0) / 1000 };
    }
  }
  const threads = Math.max(1, Number(process.env.BENCH_WORKERS ?? availableParallelism()));
  const jobs: CertificateJob[] = [];
  for (let i = 0; i < count; i += ADDRESSES_PER_CERTIFICATE) {
    jobs.push({ addresses: Array.from({ length: Math.min(ADDRESSES_PER_CERTIFICATE, count - i) }, (_, j) => benchAddress(i + j)) });
  }
  log(`generating ${jobs.length} certificates and ${count} VRF proofs on ${threads} worker threads`);
  const { secretKey } = vrfKeygen();
  const certificates = await runWorkers(secretKey, jobs, threads, log);
  const generated: Generated = { format: CACHE_FORMAT, count, vrfSecretKey: secretKey, certificates };
  if (useCache) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.tmp`, serialize(generated));
    renameSync(`${file}.tmp`, file);
  }
  return { generated, cached: false, seconds: (performance.now() - t0) / 1000 };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

export interface BuiltDirectory {
  addresses: string[];
  vrfSecretKey: Uint8Array;
  certificates: number;
  size: number;
  generateSeconds: number;
  generateCached: boolean;
  insertSeconds: number;
  integrateSeconds: number;
}

/**
 * Fills the (migrated, empty) database behind `sql` with the generated bound addresses and
 * integrates them into the log signed by `signCheckpoint` under `origin`.
 */
export async function buildDirectory(
  sql: Sql,
  generation: Generation,
  opts: { origin: string; signCheckpoint: (body: string) => string; log: (m: string) => void },
): Promise<BuiltDirectory> {
  const { generated, cached, seconds: generateSeconds } = generation;
  const certs = generated.certificates;

  opts.log(`inserting ${certs.length} certificates and ${generated.count} bound addresses`);
  let t = performance.now();
  await sql.begin(async (tx) => {
    for (let i = 0; i < certs.length; i += 1000) {
      const chunk = certs.slice(i, i + 1000);
      const rows = chunk.map((c) => ({ fingerprint: c.fingerprint, version: c.version, data: c.data, revoked: c.revoked, expires_at: c.expires }));
      await tx`INSERT INTO certificates ${tx(rows, 'fingerprint', 'version', 'data', 'revoked', 'expires_at')}`;
      const keys = chunk.flatMap((c) => c.keys.map((k) => ({ fingerprint: k.fingerprint, key_id: k.keyId, primary_fingerprint: c.fingerprint })));
      await tx`INSERT INTO certificate_keys ${tx(keys, 'fingerprint', 'key_id', 'primary_fingerprint')}`;
    }
    const bound = certs.flatMap((c) => c.addresses.map((a) => ({ ...a, fingerprint: c.fingerprint })));
    for (let i = 0; i < bound.length; i += 5000) {
      const chunk = bound.slice(i, i + 5000);
      const entries = chunk.map((a) => encodeEntry({ action: 'bind', identity: a.identity, version: 1, certificateHash: sha256(a.served) }));
      // The order appendBind takes: the address row, the pending entry, its address_entries row.
      const addressRows = chunk.map((a) => ({ address: a.address, identity: a.identity, vrf_proof: a.vrfProof, fingerprint: a.fingerprint }));
      await tx`INSERT INTO addresses ${tx(addressRows, 'address', 'identity', 'vrf_proof', 'fingerprint')}`;
      const ids = await appendPending(tx, entries);
      const entryRows = chunk.map((a, j) => ({
        identity: a.identity,
        version: 1,
        action: 'bind',
        fingerprint: a.fingerprint,
        entry: entries[j],
        pending_id: ids[j],
        certificate: a.served,
      }));
      await tx`INSERT INTO address_entries ${tx(entryRows, 'identity', 'version', 'action', 'fingerprint', 'entry', 'pending_id', 'certificate')}`;
    }
  });
  const insertSeconds = (performance.now() - t) / 1000;

  opts.log('integrating');
  t = performance.now();
  let size = 0;
  for (;;) {
    const r = await integrate(sql, { origin: opts.origin, signCheckpoint: opts.signCheckpoint, maxBatch: 65536 });
    if (!r) break;
    size = r.size;
  }
  // What confirmToken does after waitForIndex (recordLogIndex), for every entry at once.
  await sql`
    UPDATE address_entries e SET log_index = x.idx
      FROM (SELECT b.first_index + u.o - 1 AS idx, u.p AS pending_id
              FROM log_batches b, unnest(b.pending_ids) WITH ORDINALITY AS u(p, o)) x
     WHERE x.pending_id = e.pending_id AND e.log_index IS NULL`;
  const integrateSeconds = (performance.now() - t) / 1000;
  await sql`VACUUM ANALYZE`;
  return {
    addresses: certs.flatMap((c) => c.addresses.map((a) => a.address)),
    vrfSecretKey: generated.vrfSecretKey,
    certificates: certs.length,
    size,
    generateSeconds,
    generateCached: cached,
    insertSeconds,
    integrateSeconds,
  };
}

class Rollback extends Error {}

/**
 * For each sampled address, the real appendBind (on the stored certificate, re-cleaned) in a
 * transaction rolled back afterwards must find nothing to append. Returns how many did.
 */
export async function checkDirectory(sql: Sql, vrfSecretKey: Uint8Array, addresses: readonly string[]): Promise<number> {
  let changed = 0;
  for (const address of addresses) {
    try {
      await sql.begin(async (tx) => {
        const [row] = await tx`SELECT c.data FROM addresses a JOIN certificates c ON c.fingerprint = a.fingerprint WHERE a.address = ${address}`;
        if (!row) throw new Error(`${address} is not bound`);
        const appended = await appendBind(tx, vrfSecretKey, address, await loadCertificate(row.data));
        if (appended) changed++;
        throw new Rollback();
      });
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
    }
  }
  return changed;
}
