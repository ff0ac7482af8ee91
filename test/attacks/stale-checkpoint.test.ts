// Attack 3, stale checkpoint: a server keeps handing out an old, genuinely cosigned lookup
// (to freeze a client's view, e.g. hide a later change) on the real directory with two real
// witnesses (quorum: both) that re-cosign every second. The replayed response is still valid
// in every other respect, but once its newest cosignature is older than the policy's freshness
// verifyLookup rejects it ('stale-checkpoint'), while the directory's current answer, the same
// tree with fresh cosignatures, is accepted. The same through the real CLI against a replaying
// proxy: exit 1 with the reason; against the directory: exit 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatPolicy, PolicyError, verifyLookup, type LookupResponse, type Policy, type VerifiedLookup } from '@glasskey/verifier';
import { generateSigner } from '../../log/note-signer.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { runCli } from '../cli/cli-harness.ts';
import { bindByMail, lookup, lookupIncluding, servedPolicy, sleep, startWitnesses, tempDirs, until, type Witnesses } from './attack-kit.ts';

const ALICE = 'alice@example.org';
const origin = 'stale.attack.test/log';
/** The freshness bound of the strict client here, in seconds (the witnesses re-cosign every 1 s). */
const FRESHNESS = 4;
const dirs = tempDirs();
let svc: TestService;
let witnesses: Witnesses;
let replay: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  const logKey = generateSigner(origin);
  witnesses = await startWitnesses(logKey.vkey, 2, dirs.make());
  svc = await startTestService({
    GLASSKEY_ORIGIN: origin,
    GLASSKEY_LOG_KEY: logKey.privateKey,
    GLASSKEY_WITNESSES_FILE: witnesses.file,
    GLASSKEY_WITNESS_REFRESH_SECONDS: '1',
  });
});
afterAll(async () => {
  await replay?.close();
  await svc?.close();
  await witnesses?.close();
  dirs.cleanup();
});

const newestCosignature = (v: VerifiedLookup) => Math.max(...v.checkpoint.cosignatures.map((c) => c.timestamp));

function rejection(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
}

/** A server that answers every lookup with `recorded` and passes everything else to `upstream`. */
async function replayingServer(upstream: string, recorded: LookupResponse) {
  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/api/v1/lookup')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded));
      return;
    }
    const r = await fetch(upstream + path);
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' }).end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('an old cosigned checkpoint replayed past the freshness bound is rejected; fresh cosignatures are accepted', async () => {
  const { policy } = await servedPolicy(svc.url);
  expect(policy.quorum).toBe('all-witnesses');
  const alice = await bindByMail(svc, ALICE);
  const recorded = await lookupIncluding(svc.url, ALICE, alice.index);
  const old = verifyLookup(recorded, policy, ALICE);
  expect(old.checkpoint.cosignatures.map((c) => c.witness).sort()).toEqual(['w1', 'w2']);
  const t1 = newestCosignature(old);

  // The served policy's own bound (default a day), with the clock moved: accepted just inside
  // it, rejected just past it.
  expect(policy.freshness).toBe(86400);
  expect(verifyLookup(recorded, policy, ALICE, t1 + policy.freshness - 1).index).toBe(alice.index);
  const future = rejection(() => verifyLookup(recorded, policy, ALICE, t1 + policy.freshness + 1));
  expect(future).toBeInstanceOf(PolicyError);
  expect((future as PolicyError).code).toBe('stale-checkpoint');

  // A strict client (freshness 4 s) on the real clock: wait until the recording is too old.
  const strict: Policy = { ...policy, freshness: FRESHNESS };
  expect(verifyLookup(recorded, strict, ALICE).index).toBe(alice.index); // fresh when recorded
  await until('the recorded cosignatures to age past the bound', async () => (Date.now() / 1000 > t1 + FRESHNESS + 1 ? true : undefined), 15_000);
  const stale = rejection(() => verifyLookup(recorded, strict, ALICE));
  expect(stale).toBeInstanceOf(PolicyError);
  expect((stale as PolicyError).code).toBe('stale-checkpoint');
  expect((stale as Error).message).toContain(`newest cosignature time ${t1} is older than ${FRESHNESS} seconds`);

  // Meanwhile the directory had the same tree re-cosigned: its answer now is accepted.
  const current = await until('a fresh lookup answer', async () => {
    const r = await lookup(svc.url, ALICE);
    return r && !rejection(() => verifyLookup(r, strict, ALICE)) ? r : undefined;
  }, 10_000);
  const fresh = verifyLookup(current, policy, ALICE);
  expect(fresh.checkpoint.size).toBe(old.checkpoint.size); // nothing new in the log, only fresher cosignatures
  expect(newestCosignature(fresh)).toBeGreaterThan(t1); // re-cosigned since the recording

  // The CLI against a server replaying the recorded lookup: exit 1, saying why.
  const state = dirs.make('glasskey-stale-client-');
  const policyFile = join(state, 'policy');
  writeFileSync(policyFile, formatPolicy(strict));
  replay = await replayingServer(svc.url, recorded);
  const replayed = await runCli(['lookup', ALICE, '--server', replay.url, '--policy', policyFile, '--state', state]);
  expect(replayed.code).toBe(1);
  expect(replayed.stdout).toBe('');
  expect(replayed.stderr).toContain(`lookup of ${ALICE} failed [stale-checkpoint]`);
  // ...and against the directory itself: exit 0 (a cosignature can be a round old: retried)
  let direct = await runCli(['lookup', ALICE, '--server', svc.url, '--policy', policyFile, '--state', state]);
  for (let i = 0; i < 3 && direct.code !== 0 && direct.stderr.includes('stale-checkpoint'); i++) {
    await sleep(500);
    direct = await runCli(['lookup', ALICE, '--server', svc.url, '--policy', policyFile, '--state', state]);
  }
  expect(direct.stderr).toContain(`verified ${ALICE}`);
  expect(direct.code).toBe(0);
  expect(direct.stdout).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
});
