// A server that tampers with what it serves is caught: an entry bundle or hash tile that does
// not match (with the tile and index), entries and level-0 tiles changed together to hide a
// rogue binding (the upper tiles or the root give it away), and the monitor does not advance
// past the tampering, nor alert again, until the server serves the truth.
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, expect, test } from 'vitest';
import { entriesPath, parseMonitorState, tilePath } from '@glasskey/verifier';
import { FakeLog, startFakeServer, type FakeServer, type FakeServerOptions } from './monitor-fake-server.ts';
import { harness } from './monitor-harness.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function serve(log: FakeLog, options: FakeServerOptions = {}) {
  const s = await startFakeServer(log, options);
  servers.push(s);
  return s;
}

const ALICE = 'alice@example.org';
const cert = new Uint8Array([0x99, 1]);

function flipAt(body: Uint8Array, offset: number): Uint8Array {
  const out = body.slice();
  out[offset] ^= 0x01;
  return out;
}

test.each([
  ['entry bundle', entriesPath(2), 3 * 104 + 50],
  ['level-0 hash tile', tilePath(0, 2), 3 * 32 + 5],
])('a tampered %s is a tile-mismatch alert with the leaf index; the monitor does not advance', async (_, path, offset) => {
  const log = new FakeLog();
  log.appendRandom(1000);
  log.publish();
  let tampering = true;
  const server = await serve(log, { tamper: (p, body) => (tampering && `/log/${path}` === p ? flipAt(body, offset) : undefined) });
  const h = harness(server, log, [{ address: ALICE, certificateHashes: [sha256(cert)] }]);
  const r = await h.run();
  expect(r.alerts.map((a) => [a.kind, a.index])).toEqual([['tile-mismatch', 2 * 256 + 3]]);
  expect(r.alerts[0].message).toContain(tilePath(0, 2));
  expect(r.blocked).toContain('disagree');
  expect(r.verifiedSize).toBe(0);
  const again = await h.run();
  expect(again.alerts).toEqual([]); // raised once
  expect(again.blocked).not.toBeNull(); // still cannot advance
  tampering = false;
  const fixed = await h.run();
  expect(fixed.blocked).toBeNull();
  expect(fixed.verifiedSize).toBe(1000);
});

test('hiding a rogue entry by rewriting the bundle and its level-0 tile is caught above level 0', async () => {
  const log = new FakeLog();
  log.appendRandom(70_000);
  const rogue = log.bind(ALICE, new Uint8Array([0x99, 6, 6, 6]));
  log.appendRandom(300); // the rogue entry's bundle is full
  log.publish();
  // The server replaces the rogue entry with a harmless one and serves the matching level-0 tile.
  const harmless = new FakeLog();
  harmless.appendRandom(1);
  const fake = harmless.entry(0);
  const bundle = Math.floor(rogue / 256);
  const server = await serve(log, {
    tamper: (p, body) => {
      if (p === `/log/${entriesPath(bundle)}`) {
        const out = body.slice();
        out.set(fake, (rogue % 256) * 104 + 2);
        return out;
      }
      if (p === `/log/${tilePath(0, bundle)}`) {
        const out = body.slice();
        const leaf = new Uint8Array(103);
        leaf.set(fake, 1);
        out.set(sha256(leaf), (rogue % 256) * 32);
        return out;
      }
      return undefined;
    },
  });
  const h = harness(server, log, [{ address: ALICE, certificateHashes: [sha256(cert)] }]);
  const r = await h.run();
  expect(r.alerts.map((a) => a.kind)).toEqual(['tile-mismatch']);
  // the level-1 tile holds the true hash of the bundle's 256 leaves
  const level1 = tilePath(1, Math.floor(bundle / 256), Math.floor(log.size / 256) % 256);
  expect(r.alerts[0].message).toContain(`tile ${level1}: hash ${bundle % 256} `);
  expect(r.verifiedSize).toBe(0);
  const state = parseMonitorState((await h.storage.get(`monitor:${log.keys.origin}`))!);
  expect(state.verified).toBeNull();
});

test('entries that do not hash to the checkpoint root (tiles consistent among themselves) are caught', async () => {
  const log = new FakeLog();
  log.appendRandom(300);
  const rogue = log.bind(ALICE, new Uint8Array([0x99, 6]));
  log.publish();
  // Serve tiles and bundles of another log of the same size (without the rogue entry) under
  // the real checkpoint: every tile agrees with every bundle, only the root does not.
  const shadow = log.fork(rogue);
  shadow.appendRandom(1);
  shadow.served = log.served;
  const server = await serve(shadow);
  const h = harness(server, log, [{ address: ALICE, certificateHashes: [sha256(cert)] }]);
  const r = await h.run();
  expect(r.alerts.map((a) => a.kind)).toEqual(['tile-mismatch']);
  expect(r.alerts[0].message).toContain('do not hash to the root');
  expect(r.verifiedSize).toBe(0);
});
