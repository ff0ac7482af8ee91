// A BundleHasher on worker threads (node:crypto SHA-256), so a monitor's hashing runs beside
// its HTTP and bookkeeping instead of after them, on as many cores as given. Each bundle is
// copied into one buffer (entries and their end offsets), transferred to the next worker in
// turn, and its leaf hashes and subtree root transferred back. The worker code is plain
// JavaScript (no loader needed). Workers are unref'd: they never keep a process alive; close()
// ends them.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BundleHasher, BundleHashes } from '../proof/bundle-hasher.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const sha256 = crypto.hash ? (d) => crypto.hash('sha256', d, 'buffer') : (d) => crypto.createHash('sha256').update(d).digest();
const input = new Uint8Array(1 + 65535);
const node = new Uint8Array(65);
node[0] = 1;
parentPort.on('message', ({ id, data, ends }) => {
  try {
    const n = ends.length;
    const leaves = new Uint8Array(n * 32);
    let start = 0;
    for (let i = 0; i < n; i++) {
      const e = data.subarray(start, ends[i]);
      input.set(e, 1);
      leaves.set(sha256(input.subarray(0, 1 + e.length)), i * 32);
      start = ends[i];
    }
    let root;
    if (n === 256) {
      let level = leaves;
      for (let width = 256; width > 1; width /= 2) {
        const next = new Uint8Array(width * 16);
        for (let j = 0; j < width / 2; j++) {
          node.set(level.subarray(j * 64, j * 64 + 64), 1);
          next.set(sha256(node), j * 32);
        }
        level = next;
      }
      root = level;
    }
    parentPort.postMessage({ id, leaves, root }, [leaves.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

export interface WorkerBundleHasher {
  hash: BundleHasher;
  close(): Promise<void>;
}

/** A pool of `threads` workers (default: the cores but one, 1 to 4). */
export function workerBundleHasher(threads = Math.min(4, Math.max(1, availableParallelism() - 1))): WorkerBundleHasher {
  const pending = new Map<number, { resolve: (h: BundleHashes) => void; reject: (e: Error) => void }>();
  const workers: Worker[] = [];
  let busy = 0;
  const settle = (m: { id: number; leaves?: Uint8Array; root?: Uint8Array; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (--busy === 0) for (const w of workers) w.unref();
    if (m.error !== undefined) p.reject(new Error(`bundle hasher: ${m.error}`));
    else p.resolve(m.root ? { leaves: m.leaves!, root: m.root } : { leaves: m.leaves! });
  };
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  for (let i = 0; i < threads; i++) {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', settle);
    w.on('error', failAll);
    w.unref();
    workers.push(w);
  }
  let nextId = 0;
  const hash: BundleHasher = (entries) => {
    let total = 0;
    for (const e of entries) total += e.length;
    const data = new Uint8Array(total);
    const ends = new Uint32Array(entries.length);
    let o = 0;
    entries.forEach((e, i) => {
      data.set(e, o);
      o += e.length;
      ends[i] = o;
    });
    const id = nextId++;
    const worker = workers[id % workers.length];
    return new Promise<BundleHashes>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (busy++ === 0) for (const w of workers) w.ref();
      worker.postMessage({ id, data, ends }, [data.buffer, ends.buffer]);
    });
  };
  return {
    hash,
    close: async () => {
      failAll(new Error('bundle hasher closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
