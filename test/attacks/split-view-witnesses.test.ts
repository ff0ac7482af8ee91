// Attack 2b, split view with witnesses: the same two-fork operator as in
// split-view-gossip.test.ts (two instances, one log key, VRF key and origin, two databases, a
// different key bound for alice@example.org on each), now with two real witnesses (quorum:
// both) configured on both instances. The witnesses that cosigned fork 1 answer 409
// (tlog-witness v1.0.0) to fork 2's checkpoint and keep it as a refusal; instance 2 never
// serves a checkpoint past the fork (its lookup stays 404); a client shown fork 2's log-signed
// checkpoint rejects it (no quorum) and, comparing it with a witness's monitoring endpoint,
// holds evidence of the split view.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  base64Encode,
  gossipCheckpointUrl,
  HeadStore,
  LogClient,
  memoryStorage,
  openCheckpoint,
  readSignedCheckpoint,
  SplitViewError,
  verifyLookup,
  verifySplitViewEvidence,
} from '@glasskey/verifier';
import { latestCheckpoint } from '../../log/index.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { bindByMail, lookup, lookupIncluding, servedCheckpoint, servedPolicy, sameLogKeys, expectSameLog, sleep, startWitnesses, tempDirs, until, type Witnesses } from './attack-kit.ts';

const ALICE = 'alice@example.org';
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('two forks with witnesses: the second fork is never cosigned, never served', () => {
  const origin = 'split-witnessed.attack.test/log';
  let one: TestService;
  let two: TestService;
  let witnesses: Witnesses;

  beforeAll(async () => {
    const { env, logKey } = sameLogKeys(origin);
    witnesses = await startWitnesses(logKey.vkey, 2, dirs.make());
    const withWitnesses = { ...env, GLASSKEY_WITNESSES_FILE: witnesses.file, GLASSKEY_WITNESS_REFRESH_SECONDS: '1' };
    [one, two] = await Promise.all([startTestService(withWitnesses), startTestService(withWitnesses)]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await witnesses?.close();
  });

  test('witnesses answer 409 to the second fork; instance 2 serves nothing past it; the witness endpoint exposes it', async () => {
    const { policy } = await servedPolicy(one.url);
    expectSameLog(policy, (await servedPolicy(two.url)).policy);
    // both instances start from the same empty tree, which the witnesses cosign for both
    await until('instance 2 serving the empty tree', async () => ((await servedCheckpoint(two.url))?.size === 0 ? true : undefined));

    const a = await bindByMail(one, ALICE);
    const forA = await lookupIncluding(one.url, ALICE, a.index);
    const seenA = verifyLookup(forA, policy, ALICE);
    expect(seenA.checkpoint.cosignatures.map((c) => c.witness).sort()).toEqual(['w1', 'w2']);

    const b = await bindByMail(two, ALICE);
    expect(b.index).toBe(a.index);
    const fork = await latestCheckpoint(two.sql); // signed by the log, never served
    expect(fork!.size).toBe(seenA.checkpoint.size);

    // Instance 2's cosigner tries: both witnesses refuse it, and keep the request as a refusal.
    for (const w of witnesses.list)
      await until(`${w.name} refusing the fork`, async () => {
        const rows = await w.db.sql`SELECT status, body FROM witness_refusals`;
        return rows.some((r) => r.status === 409 && String(r.body).includes(fork!.note)) ? true : undefined;
      });
    // ...and keeps trying (the refresh is 1 s): instance 2 still serves only the empty tree.
    await sleep(2500);
    expect((await servedCheckpoint(two.url))!.size).toBe(0);
    expect(await lookup(two.url, ALICE)).toBeUndefined();
    expect((await servedCheckpoint(one.url))!.size).toBe(seenA.checkpoint.size);

    // The protocol answer, asked directly: 409, the size the witness cosigned, text/x.tlog.size.
    for (const w of witnesses.list)
      for (const old of [fork!.size, 0]) {
        const res = await w.post(`old ${old}\n\n${fork!.note}`);
        expect(res.status).toBe(409);
        expect(res.headers.get('content-type')).toContain('text/x.tlog.size');
        expect(await res.text()).toBe(`${seenA.checkpoint.size}\n`);
      }

    // A client shown fork 2's log-signed checkpoint rejects it under the policy (no quorum),
    // and, compared with what a witness cosigned (its monitoring endpoint), it is a split view.
    expect(() => openCheckpoint(fork!.note, policy)).toThrow(/quorum/);
    const heads = new HeadStore(memoryStorage());
    const witnessed = await fetch(gossipCheckpointUrl(witnesses.list[0].url, origin));
    expect(witnessed.status).toBe(200);
    const fromWitness = readSignedCheckpoint(await witnessed.text(), policy.log.verifier, policy.witnesses.map((w) => w.verifier));
    expect(base64Encode(fromWitness.root)).toBe(base64Encode(seenA.checkpoint.root));
    await heads.update(fromWitness, () => Promise.reject(new Error('no proof needed for a first head')));
    const caught = await heads.update(readSignedCheckpoint(fork!.note, policy.log.verifier), (m, n) => new LogClient(two.url).consistencyProof(m, n)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(caught).toBeInstanceOf(SplitViewError);
    expect(verifySplitViewEvidence((caught as SplitViewError).evidence, policy).kind).toBe('same-size-different-roots');
    expect((await heads.head(origin))!.note).toBe(fromWitness.note); // the fork was not accepted
  });
});
