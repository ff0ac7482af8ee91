// The monitor against an in-process HTTP log: rogue binds (also ones the server hides from the
// history) alert with their index; expected certificates (by hash or by fingerprint) and
// expected unbinds do not; unexpected unbinds do; later runs scan only new entries and do not
// alert again; a run stopped mid-scan, or crashed at any state write, resumes without missing
// an alert or raising one twice.
import { sha256 } from '@noble/hashes/sha2.js';
import * as openpgp from 'openpgp';
import { afterEach, expect, test } from 'vitest';
import { hexDecode, memoryStorage, parseMonitorState, primaryKeyFingerprint, type KeyValueStorage, type MonitorAlert } from '@glasskey/verifier';
import { FakeLog, startFakeServer, type FakeServer } from './monitor-fake-server.ts';
import { harness, kinds } from './monitor-harness.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function serve(log: FakeLog, options = {}) {
  const s = await startFakeServer(log, options);
  servers.push(s);
  return s;
}

async function certificate(email: string): Promise<Uint8Array> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email }], format: 'binary' });
  return publicKey;
}

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';

test('rogue bind alerts with its index; expected binds and unbinds do not; no alert twice', async () => {
  const log = new FakeLog();
  const aliceCert = new Uint8Array([0x99, 1, 2, 3]);
  const bobCert = new Uint8Array([0x99, 4, 5]);
  log.appendRandom(700);
  const expectedIndex = log.bind(ALICE, aliceCert);
  log.bind(BOB, bobCert);
  log.appendRandom(300);
  const rogue = log.bind(ALICE, new Uint8Array([0x99, 6, 6, 6]), { hidden: true });
  log.appendRandom(50);
  const bobUnbind = log.unbind(BOB);
  log.publish();
  const server = await serve(log);
  const h = harness(server, log, [
    { address: ALICE, certificateHashes: [sha256(aliceCert)] },
    { address: BOB, certificateHashes: [sha256(bobCert)] },
  ]);

  const r1 = await h.run();
  expect(r1.verifiedSize).toBe(log.size);
  expect(r1.scanned).toBe(log.size);
  expect(kinds(h.delivered)).toEqual([`unexpected-key@${rogue}`, `unexpected-unbind@${bobUnbind}`].sort());
  const a = h.delivered.find((x) => x.kind === 'unexpected-key')!;
  expect(a).toMatchObject({ address: ALICE, version: 2, certificateHash: Buffer.from(sha256(new Uint8Array([0x99, 6, 6, 6]))).toString('hex') });
  expect(h.events.filter((e) => e.type === 'entry').map((e) => (e as { index: number }).index)).toContain(expectedIndex);

  // nothing new: no alert again, nothing scanned
  const r2 = await h.run();
  expect(r2.alerts).toEqual([]);
  expect(r2.scanned).toBe(0);
  // new entries: only those are scanned; an expected unbind (owner removed Alice) is quiet
  log.appendRandom(10);
  log.unbind(ALICE);
  log.publish();
  const quiet = harness(server, log, [{ address: ALICE, certificateHashes: [sha256(aliceCert)], allowUnbind: true }]);
  quiet.storage = h.storage;
  quiet.heads = h.heads;
  const r3 = await quiet.run();
  expect(r3.scanned).toBe(11);
  expect(r3.alerts).toEqual([]);
  expect(quiet.events.some((e) => e.type === 'entry' && e.action === 'unbind')).toBe(true);
});

test('fingerprint expectations: updates of the key pass, another key alerts (also when hidden from history)', async () => {
  const log = new FakeLog();
  const aliceKey = await certificate(ALICE);
  const fpr = primaryKeyFingerprint(aliceKey).fingerprint;
  // an updated certificate of the same primary key (here: one more packet), and another key
  const updated = new Uint8Array([...aliceKey, ...(await openpgp.readKey({ binaryKey: aliceKey })).users[0].selfCertifications[0].write()]);
  const mallory = await certificate(ALICE);
  log.appendRandom(20);
  log.bind(ALICE, aliceKey);
  log.publish();
  const server = await serve(log);
  const h = harness(server, log, [{ address: ALICE, fingerprints: [fpr] }]);
  expect((await h.run()).alerts).toEqual([]);
  log.bind(ALICE, updated);
  const rogue = log.bind(ALICE, mallory);
  const hiddenRogue = log.bind(ALICE, await certificate(ALICE), { hidden: true });
  log.publish();
  const r = await h.run();
  expect(kinds(r.alerts)).toEqual([`unexpected-key@${hiddenRogue}`, `unexpected-key@${rogue}`].sort());
  const shown = r.alerts.find((a) => a.index === rogue)!;
  expect(shown.fingerprint).toBe(Buffer.from(primaryKeyFingerprint(mallory).fingerprint).toString('hex'));
  expect(r.alerts.find((a) => a.index === hiddenRogue)!.fingerprint).toBeUndefined();
});

test('a certificate bound between the history fetch and the checkpoint is learned by refetching', async () => {
  const log = new FakeLog();
  const key = await certificate(ALICE);
  log.appendRandom(5);
  log.publish();
  let bindOnCheckpoint = true;
  const server = await serve(log, {
    tamper: (path: string) => {
      if (path === '/log/checkpoint' && bindOnCheckpoint) {
        bindOnCheckpoint = false;
        log.bind(ALICE, key);
        return new TextEncoder().encode(log.publish());
      }
      return undefined;
    },
  });
  const h = harness(server, log, [{ address: ALICE, fingerprints: [primaryKeyFingerprint(key).fingerprint] }]);
  const r = await h.run();
  expect(r.verifiedSize).toBe(6);
  expect(r.alerts).toEqual([]);
});

function watchedLog() {
  const log = new FakeLog();
  const cert = new Uint8Array([0x99, 7]);
  const rogues: number[] = [];
  for (let part = 0; part < 6; part++) {
    log.appendRandom(900);
    log.bind(ALICE, cert);
    rogues.push(log.bind(ALICE, new Uint8Array([0x99, part])));
  }
  log.publish();
  return { log, watch: [{ address: ALICE, certificateHashes: [sha256(cert)] }], rogues };
}

test('a run stopped mid-scan resumes where it stopped, without missing or repeating alerts', async () => {
  const { log, watch, rogues } = watchedLog();
  const server = await serve(log);
  const h = harness(server, log, watch, { progressEvery: 512 });
  const r1 = await h.run({ stopAfter: 2000 });
  expect(r1.stopped).toBe(true);
  expect(r1.alerts).toEqual([]); // nothing is judged before the target root verifies
  const saved = parseMonitorState((await h.storage.get(`monitor:${log.keys.origin}`))!);
  expect(saved.verified).toBeNull();
  expect(saved.scan!.position).toBeGreaterThanOrEqual(2000);
  expect(saved.scan!.position).toBeLessThan(log.size);
  expect(saved.scan!.matches.length).toBeGreaterThan(0);
  const r2 = await h.run({ stopAfter: 2500 });
  expect(r2.stopped).toBe(true);
  const r3 = await h.run();
  expect(r1.scanned + r2.scanned + r3.scanned).toBe(log.size);
  expect(kinds(h.delivered)).toEqual(rogues.map((i) => `unexpected-key@${i}`).sort());
  expect((await h.run()).alerts).toEqual([]);
});

/** Storage whose writes fail from the n-th on (a process killed at that write). */
function crashingAt(inner: KeyValueStorage, n: number): KeyValueStorage & { crashed: boolean } {
  let writes = 0;
  const s = {
    crashed: false,
    get: (k: string) => inner.get(k),
    set: async (k: string, v: string) => {
      if (++writes >= n) {
        s.crashed = true;
        throw new Error('killed');
      }
      await inner.set(k, v);
    },
  };
  return s;
}

test('killed at any state write: every alert is delivered, at most the one in flight twice', async () => {
  const { log, watch, rogues } = watchedLog();
  log.appendRandom(100);
  log.bind(ALICE, new Uint8Array([0x99, 42]));
  log.publish();
  const all = [...rogues, log.size - 1].map((i) => `unexpected-key@${i}`).sort();
  const server = await serve(log);
  let n = 1;
  for (; ; n++) {
    const durable = memoryStorage();
    const delivered: MonitorAlert[] = [];
    const h = harness(server, log, watch, { progressEvery: 1024 });
    h.storage = crashingAt(durable, n);
    h.delivered = delivered;
    const crash = await h.run().then(
      () => false,
      () => true,
    );
    h.storage = durable;
    const resumed = await h.run();
    expect(resumed.verifiedSize).toBe(log.size);
    const ids = delivered.map((a) => `${a.kind}@${a.index}`);
    expect([...new Set(ids)].sort(), `crash at write ${n}`).toEqual(all);
    expect(ids.length - all.length, `crash at write ${n}`).toBeLessThanOrEqual(1);
    if (!crash) break; // the first run finished before the n-th write: every point was tried
  }
  expect(n).toBeGreaterThan(10); // progress writes, the commit, one write per delivered alert
});
