// Attack 2a, split view without witnesses: a malicious operator runs two directory instances
// with the same log key, VRF key and origin on two databases, and binds a different key for
// alice@example.org on each: two forks, each with its own signed checkpoints of the same sizes
// and other roots. Each fork alone verifies: client A (instance 1) and client B (instance 2)
// each accept their lookup into their HeadStore. Client A runs the real monitor with --serve;
// once B compares with that endpoint (library HeadStore.compare, and the real CLI monitor with
// --gossip), SplitViewEvidence comes out, and verifySplitViewEvidence and
// `glasskey-verify verify-evidence` accept it. (With witnesses: split-view-witnesses.test.ts.)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  base64Encode,
  dearmor,
  formatPolicy,
  gossipCheckpointUrl,
  HeadStore,
  LogClient,
  memoryStorage,
  parseSplitViewEvidence,
  primaryKeyFingerprint,
  readSignedCheckpoint,
  SplitViewError,
  verifyLookup,
  verifySplitViewEvidence,
  type SplitViewEvidence,
} from '@glasskey/verifier';
import { startTestService, type TestService } from '../helpers/service.ts';
import { jsonLines, runCli } from '../cli/cli-harness.ts';
import { bindByMail, lookupIncluding, servedPolicy, sameLogKeys, expectSameLog, tempDirs, until } from './attack-kit.ts';

const ALICE = 'alice@example.org';
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const fingerprintOf = (armored: string) => Buffer.from(primaryKeyFingerprint(dearmor(armored).data).fingerprint).toString('hex').toUpperCase();

describe('two forks, no witnesses: the clients find out when their heads meet', () => {
  const origin = 'split.attack.test/log';
  let one: TestService;
  let two: TestService;

  beforeAll(async () => {
    const { env } = sameLogKeys(origin);
    [one, two] = await Promise.all([startTestService(env), startTestService(env)]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  test('each fork verifies alone; compared through a monitor endpoint they yield evidence anyone can check', async () => {
    const [a, b] = await Promise.all([bindByMail(one, ALICE), bindByMail(two, ALICE)]);
    expect([a.index, b.index]).toEqual([0, 0]);
    const { policy: policy1 } = await servedPolicy(one.url);
    const { policy: policy2 } = await servedPolicy(two.url);
    expectSameLog(policy1, policy2);

    // Client A asks instance 1, client B instance 2; each keeps a HeadStore; both verify.
    const client1 = new LogClient(one.url);
    const client2 = new LogClient(two.url);
    const headsA = new HeadStore(memoryStorage());
    const headsB = new HeadStore(memoryStorage());
    const forA = await lookupIncluding(one.url, ALICE, a.index);
    const forB = await lookupIncluding(two.url, ALICE, b.index);
    const seenA = await verifyLookup(forA, policy1, ALICE, undefined, { headStore: headsA, consistencyProof: (m, n) => client1.consistencyProof(m, n) });
    const seenB = await verifyLookup(forB, policy2, ALICE, undefined, { headStore: headsB, consistencyProof: (m, n) => client2.consistencyProof(m, n) });
    expect(fingerprintOf(forA.certificate)).toBe(a.key.fingerprint);
    expect(fingerprintOf(forB.certificate)).toBe(b.key.fingerprint);
    expect(seenB.checkpoint.size).toBe(seenA.checkpoint.size);
    expect(base64Encode(seenB.checkpoint.root)).not.toBe(base64Encode(seenA.checkpoint.root));
    expect((await headsA.head(origin))!.note).toBe(seenA.checkpoint.note);

    // Client A's monitor serves its verified checkpoint for gossip.
    const stateA = dirs.make('glasskey-client-a-');
    const policyFileA = join(stateA, 'policy');
    writeFileSync(policyFileA, formatPolicy(policy1));
    let serving: string | undefined;
    const monitorA = runCli(
      ['monitor', '--server', one.url, '--policy', policyFileA, '--address', ALICE, '--expect', a.key.fingerprint, '--state', stateA, '--interval', '0.5', '--serve', '127.0.0.1:0'],
      {
        onStderr: (text) => {
          const m = /serving the latest verified checkpoint at (\S+)\/checkpoint/.exec(text);
          if (m) serving = m[1];
        },
      },
    );
    try {
      const gossipUrl = await until('client A serving its checkpoint', async () => serving);
      const note = await until('client A verified its fork', async () => {
        const res = await fetch(gossipCheckpointUrl(gossipUrl, origin));
        return res.status === 200 ? res.text() : undefined;
      });
      const fromA = readSignedCheckpoint(note, policy2.log.verifier);
      expect(fromA.size).toBe(seenA.checkpoint.size);
      expect(await headsA.compare(fromA, (m, n) => client1.consistencyProof(m, n))).toBe('same'); // A's own view: nothing wrong

      // Client B compares A's checkpoint with its own head: a split view, with evidence.
      const caught = await headsB.compare(fromA, (m, n) => client2.consistencyProof(m, n)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(caught).toBeInstanceOf(SplitViewError);
      const evidence = JSON.parse(JSON.stringify((caught as SplitViewError).evidence)) as SplitViewEvidence;
      const proven = verifySplitViewEvidence(evidence, policy2);
      expect(proven).toMatchObject({ origin, kind: 'same-size-different-roots', first: { size: seenA.checkpoint.size } });
      expect(new Set([base64Encode(proven.first.root), base64Encode(proven.firstRootInSecond)])).toEqual(
        new Set([base64Encode(seenA.checkpoint.root), base64Encode(seenB.checkpoint.root)]),
      );
      // the log's key alone is enough to check it; evidence that merely repeats one checkpoint is not evidence
      expect(verifySplitViewEvidence(evidence, policy1.log.verifier).kind).toBe('same-size-different-roots');
      expect(() => verifySplitViewEvidence({ ...evidence, second: evidence.first, firstRootInSecond: base64Encode(readSignedCheckpoint(evidence.first, policy1.log.verifier).root) }, policy1)).toThrow(/consistent/);

      // The same with the real CLI on client B's side: a verified lookup, then a monitor that
      // gossips with A's endpoint: exit 2, a split-view alert, evidence saved and checkable.
      const stateB = dirs.make('glasskey-client-b-');
      const policyFileB = join(stateB, 'policy');
      writeFileSync(policyFileB, formatPolicy(policy2));
      const looked = await runCli(['lookup', ALICE, '--server', two.url, '--policy', policyFileB, '--state', stateB]);
      expect(looked.code).toBe(0);
      expect(looked.stderr).toContain(`entry ${b.index} (version 1) in ${origin} at size ${seenB.checkpoint.size}`);
      const monitorB = await runCli(['monitor', '--server', two.url, '--policy', policyFileB, '--address', ALICE, '--expect', b.key.fingerprint, '--state', stateB, '--gossip', gossipUrl, '--once', '--json']);
      expect(monitorB.code).toBe(2);
      const alerts = jsonLines(monitorB.stdout).filter((l) => l.type === 'alert');
      expect(alerts).toEqual([expect.objectContaining({ kind: 'split-view', source: gossipUrl, origin })]);
      const saved = parseSplitViewEvidence(readFileSync(String(alerts[0].evidencePath), 'utf8'));
      expect(verifySplitViewEvidence(saved, policy2).kind).toBe('same-size-different-roots');
      const checked = await runCli(['verify-evidence', String(alerts[0].evidencePath), '--policy', policyFileA]);
      expect(checked.code).toBe(0);
      expect(checked.stdout).toContain(`split view proven: ${origin} signed size ${seenA.checkpoint.size}`);
    } finally {
      monitorA.child.kill('SIGTERM');
    }
    const stoppedA = await monitorA;
    expect(stoppedA.code).toBe(0); // A's monitor, which only saw fork 1, found nothing wrong
  });
});
