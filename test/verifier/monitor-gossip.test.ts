// Gossip and checkpoint checks of the monitor: a gossip source (a witness endpoint, another
// monitor's --serve) showing a fork is a split view with evidence anyone can verify; so is a
// server that switches forks between runs, and a fork a lookup client sharing the state was
// shown; honest sources are consistent; a stale checkpoint and a rollback alert once; partial
// tiles that are gone are read from the full tile.
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, expect, test } from 'vitest';
import { HeadStore, verifySplitViewEvidence, type MonitorEvent } from '@glasskey/verifier';
import { serveCheckpoint } from '@glasskey/verifier/node';
import { FakeLog, makeKeys, startFakeServer, type FakeServer, type FakeServerOptions } from './monitor-fake-server.ts';
import { harness } from './monitor-harness.ts';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function serve(log: FakeLog | (() => FakeLog), options: FakeServerOptions = {}): Promise<FakeServer> {
  const s = await startFakeServer(log, options);
  servers.push(s);
  return s;
}

const ALICE = 'alice@example.org';
const cert = new Uint8Array([0x99, 1]);
const watch = [{ address: ALICE, certificateHashes: [sha256(cert)] }];
const gossipEvents = (events: MonitorEvent[]) => events.filter((e) => e.type === 'gossip').map((e) => (e as { result: string }).result);

function logWithFork(size: number, common: number, forkSize: number) {
  const log = new FakeLog(makeKeys('gossip.test.example', 1));
  log.appendRandom(common);
  log.bind(ALICE, cert);
  log.appendRandom(size - common - 1);
  log.publish();
  const fork = log.fork(common);
  fork.appendRandom(forkSize - common);
  fork.publish();
  return { log, fork };
}

test.each([
  ['the same size', 1000, 600, 1000],
  ['a smaller size', 1000, 600, 800],
  ['a smaller power-of-two size', 1000, 300, 512],
])('a gossip source showing a fork of %s is a split view with evidence', async (_, size, common, forkSize) => {
  const { log, fork } = logWithFork(size, common, forkSize);
  const server = await serve(log);
  const witness = await serve(fork); // answers /<hex sha256(origin)>/checkpoint like a witness
  const honest = await serve(log);
  const h = harness(server, log, watch, { gossip: [honest.url, witness.url] });
  const r = await h.run();
  expect(r.verifiedSize).toBe(size);
  expect(r.alerts.map((a) => [a.kind, a.source])).toEqual([['split-view', witness.url]]);
  const v = verifySplitViewEvidence(JSON.parse(JSON.stringify(r.alerts[0].evidence)), log.policy);
  expect([v.first.size, v.second.size].sort((a, b) => a - b)).toEqual([forkSize, size].sort((a, b) => a - b));
  expect(gossipEvents(h.events)).toEqual(['same']);
  expect((await h.run()).alerts).toEqual([]); // raised once
});

test('a server that switches to a fork between runs is a split view (evidence from its tiles)', async () => {
  const { log, fork } = logWithFork(700, 400, 900);
  let current = log;
  const server = await serve(() => current);
  const h = harness(server, log, watch);
  expect((await h.run()).verifiedSize).toBe(700);
  current = fork;
  const r = await h.run();
  expect(r.alerts.map((a) => a.kind)).toEqual(['split-view']);
  expect(verifySplitViewEvidence(r.alerts[0].evidence, log.policy)).toMatchObject({ first: { size: 700 }, second: { size: 900 } });
  expect(r.verifiedSize).toBe(700);
  expect(r.blocked).toContain('does not extend');
});

test('honest sources: same, older and newer checkpoints are consistent', async () => {
  const log = new FakeLog(makeKeys('gossip.test.example', 1));
  log.appendRandom(500);
  const older = log.fork(300);
  older.publish();
  log.publish();
  const newer = log.fork(log.size);
  newer.appendRandom(50);
  newer.publish();
  // the server has integrated newer entries (its tiles have them) but still serves size 500
  const integrated = newer.fork(newer.size);
  integrated.served = log.served;
  const server = await serve(integrated);
  const sources = [await serve(log), await serve(older), await serve(newer)];
  const h = harness(server, log, watch, { gossip: sources.map((s) => s.url) });
  const r = await h.run();
  expect(r.alerts).toEqual([]);
  expect(r.warnings).toEqual([]);
  expect(gossipEvents(h.events)).toEqual(['same', 'older-consistent', 'newer-consistent']);
});

test('a stale checkpoint alerts once and is still followed; a rollback alerts', async () => {
  const log = new FakeLog(makeKeys('gossip.test.example', 1), 600);
  log.appendRandom(400);
  log.cosignAge = 4000;
  log.publish();
  let current = log;
  const server = await serve(() => current);
  const h = harness(server, log, watch);
  const r1 = await h.run();
  expect(r1.alerts.map((a) => a.kind)).toEqual(['stale-checkpoint']);
  expect(r1.verifiedSize).toBe(400);
  expect((await h.run()).alerts).toEqual([]);
  const old = log.fork(300);
  old.publish();
  current = old;
  const r3 = await h.run();
  expect(r3.alerts.map((a) => [a.kind, a.checkpointSize])).toEqual([['rollback', 300]]);
  expect(r3.verifiedSize).toBe(400);
});

test('a monitor serves its verified checkpoint; another monitor gossips with it', async () => {
  const { log, fork } = logWithFork(600, 500, 600);
  const server = await serve(log);
  const first = harness(server, log, watch);
  await first.run();
  const note = JSON.parse((await first.storage.get(`monitor:${log.keys.origin}`))!).verified.note as string;
  const served = await serveCheckpoint(log.keys.origin, () => note, 0, '127.0.0.1');
  servers.push(served);
  expect(await (await fetch(`${served.url}/checkpoint`)).text()).toBe(note);
  // A second monitor, shown the fork by its server, learns of the split view from the first.
  const forkServer = await serve(fork);
  const second = harness(forkServer, log, watch, { gossip: [served.url] });
  const r = await second.run();
  expect(r.alerts.map((a) => [a.kind, a.source])).toEqual([['split-view', served.url]]);
});

test('partial tiles that are gone are read from full tiles; a fork in the shared head store is found', async () => {
  const log = new FakeLog(makeKeys('gossip.test.example', 1));
  log.appendRandom(300);
  log.publish();
  const server = await serve(log, { onlyCurrentPartials: true });
  const h = harness(server, log, watch);
  expect((await h.run()).verifiedSize).toBe(300);
  log.appendRandom(400); // tile 1 (44 of 256 at size 300) is only served full now
  log.publish();
  const r = await h.run();
  expect(r.verifiedSize).toBe(700);
  expect(r.scanned).toBe(400);
  // a lookup client sharing the state was shown a fork (of size 650) and kept it as its head
  const fork = log.fork(600);
  fork.appendRandom(50);
  await h.heads.set(`head:${log.keys.origin}`, JSON.stringify({ format: 'glasskey-head/v1', note: fork.checkpoint() }));
  expect((await new HeadStore(h.heads).head(log.keys.origin))!.size).toBe(650);
  log.appendRandom(10);
  log.publish();
  const r3 = await h.run();
  expect(r3.alerts.map((a) => [a.kind, a.source])).toEqual([['split-view', 'head store']]);
});
