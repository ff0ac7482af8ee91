// verifyLookup with a HeadStore: it still verifies everything it did, and also requires the
// lookup's checkpoint to be consistent with the newest one the client saw (advancing it), so a
// rollback or a fork served to this client is caught. Without one it stays synchronous.
import { expect, test } from 'vitest';
import { HeadStore, memoryStorage, RollbackError, SplitViewError, verifyLookup, verifySplitViewEvidence, VerificationError } from '@glasskey/verifier';
import { FakeLog } from './monitor-fake-server.ts';

const ALICE = 'alice@example.org';

test('lookups advance the head; an older checkpoint is a rollback; a fork is a split view', async () => {
  const log = new FakeLog();
  log.appendRandom(9);
  log.bind(ALICE, new Uint8Array([0x99, 1]));
  log.publish();
  const early = log.lookup(ALICE)!;
  log.appendRandom(20);
  log.publish();
  const later = log.lookup(ALICE)!;
  const fork = log.fork(25);
  fork.appendRandom(10);
  fork.publish();
  const forked = fork.lookup(ALICE)!;

  const headStore = new HeadStore(memoryStorage());
  const gossip = { headStore, consistencyProof: async (m: number, n: number) => log.consistencyProof(m, n) };
  const sync = verifyLookup(early, log.policy, ALICE);
  expect(sync).not.toBeInstanceOf(Promise);
  expect(sync.checkpoint.size).toBe(10);
  expect((await verifyLookup(early, log.policy, ALICE, undefined, gossip)).index).toBe(9);
  expect((await headStore.head(log.keys.origin))!.size).toBe(10);
  await verifyLookup(later, log.policy, ALICE, undefined, gossip);
  expect((await headStore.head(log.keys.origin))!.size).toBe(30);
  await expect(verifyLookup(early, log.policy, ALICE, undefined, gossip)).rejects.toBeInstanceOf(RollbackError);
  const forkProofs = { headStore, consistencyProof: async (m: number, n: number) => fork.consistencyProof(m, n) };
  const e = await verifyLookup(forked, log.policy, ALICE, undefined, forkProofs).catch((x) => x);
  expect(e).toBeInstanceOf(SplitViewError);
  expect(verifySplitViewEvidence((e as SplitViewError).evidence, log.policy).kind).toBe('inconsistent-prefix');
  // the usual checks still come first: a bad response is rejected before the head is touched
  const bad = { ...later, proof: later.proof.replace(/^index 9$/m, 'index 8') };
  await expect(verifyLookup(bad, log.policy, ALICE, undefined, gossip)).rejects.toBeInstanceOf(VerificationError);
  expect((await headStore.head(log.keys.origin))!.size).toBe(30);
});
