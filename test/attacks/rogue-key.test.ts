// Attack 1, rogue key: an operator with database access binds a key of their own for
// alice@example.org straight through the log (appendBind in a transaction, no mail), on the
// real directory with two real witnesses (quorum: both). The lookup then serves the rogue key
// with a proof that verifies (a lookup alone cannot know who owns a key), but Alice's monitor,
// the real `glasskey-verify monitor` as a child process, which was quiet before, exits 2 with
// a JSON alert naming the rogue entry's index, POSTs it to her webhook, and does not raise it
// again on the next run. An entry written to the log alone (not even in the directory's own
// tables, so history and lookups never show it) is caught the same way: the monitor reads the
// log, not the server's account of it.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addressAlpha, dearmor, encodeEntry, formatPolicy, verifyLookup } from '@glasskey/verifier';
import { appendPending } from '../../log/index.ts';
import { generateSigner } from '../../log/note-signer.ts';
import { lookupPendingId } from '../../log/pending-queries.ts';
import { vrfProve } from '../../log/vrf.ts';
import { appendBind } from '../../server/directory/append-binding.ts';
import { upsertCertificate } from '../../server/directory/queries.ts';
import { certificateKeyIds } from '../../server/openpgp/keyids.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { jsonLines, runCli } from '../cli/cli-harness.ts';
import {
  bindByMail,
  lookup,
  lookupIncluding,
  servedCheckpoint,
  servedPolicy,
  startWitnesses,
  tempDirs,
  until,
  webhookSink,
  type WebhookSink,
  type Witnesses,
} from './attack-kit.ts';

const ALICE = 'alice@example.org';
const origin = 'rogue.attack.test/log';
const dirs = tempDirs();
let svc: TestService;
let witnesses: Witnesses;
let hook: WebhookSink;

beforeAll(async () => {
  const logKey = generateSigner(origin);
  witnesses = await startWitnesses(logKey.vkey, 2, dirs.make());
  svc = await startTestService({
    GLASSKEY_ORIGIN: origin,
    GLASSKEY_LOG_KEY: logKey.privateKey,
    GLASSKEY_WITNESSES_FILE: witnesses.file,
    GLASSKEY_WITNESS_REFRESH_SECONDS: '1',
  });
  hook = await webhookSink();
});
afterAll(async () => {
  await svc?.close();
  await witnesses?.close();
  await hook?.close();
  dirs.cleanup();
});

/** Waits until the served (cosigned) checkpoint covers log index `index`. */
const servedPast = (index: number) =>
  until(`a served checkpoint past index ${index}`, async () => {
    const cp = await servedCheckpoint(svc.url);
    return cp && cp.size > index ? cp : undefined;
  });

test("an operator's rogue binding for alice@ is alerted by her monitor with its entry index, once", async () => {
  const { policy } = await servedPolicy(svc.url);
  expect(policy.quorum).toBe('all-witnesses');

  // Alice binds her key the honest way and checks what the directory serves for her.
  const alice = await bindByMail(svc, ALICE);
  const mine = await lookupIncluding(svc.url, ALICE, alice.index);
  const verifiedMine = verifyLookup(mine, policy, ALICE);
  expect(verifiedMine.checkpoint.cosignatures.map((c) => c.witness).sort()).toEqual(['w1', 'w2']);
  const state = dirs.make('glasskey-alice-monitor-');
  const certFile = join(state, 'alice.asc');
  writeFileSync(certFile, mine.certificate);
  const policyFile = join(state, 'policy');
  writeFileSync(policyFile, formatPolicy(policy));
  const monitor = (...extra: string[]) =>
    runCli(['monitor', '--server', svc.url, '--policy', policyFile, '--address', ALICE, '--expect', certFile, '--state', state, '--webhook', hook.url, '--once', '--json', ...extra]);

  const quiet = await monitor();
  expect(quiet.stderr).toBe('');
  expect(quiet.code).toBe(0);
  const quietLines = jsonLines(quiet.stdout);
  expect(quietLines.filter((l) => l.type === 'alert')).toEqual([]);
  expect(quietLines).toContainEqual(expect.objectContaining({ type: 'entry', address: ALICE, index: alice.index, action: 'bind', version: 1 }));
  // the monitor also compared its checkpoint with both witnesses' (from the policy's URLs)
  expect(quietLines.filter((l) => l.type === 'gossip').map((l) => l.source).sort()).toEqual(witnesses.list.map((w) => w.url).sort());
  expect(hook.bodies).toEqual([]);

  // The operator, with database access, binds a key of their own for Alice: no mail.
  const mailsBefore = svc.smtp.received.length;
  const rogueKey = await makeKey([{ name: 'Alice', email: ALICE }]);
  const appended = await svc.sql.begin(async (tx) => {
    const clean = await loadCertificate(rogueKey.armored);
    await upsertCertificate(
      tx,
      { fingerprint: clean.fingerprint, version: clean.version, data: clean.binary, revoked: clean.revoked, expires: clean.expires },
      certificateKeyIds(clean).map((k) => ({ fingerprint: k.fingerprint, keyId: k.keyId })),
    );
    return appendBind(tx, svc.keys.vrfSecretKey, ALICE, clean);
  });
  expect(appended).not.toBeNull();
  const rogueIndex = await until('the rogue entry integrated', async () => (await lookupPendingId(svc.sql, appended!.pendingId)).index ?? undefined);
  await servedPast(rogueIndex); // integrated and cosigned by both witnesses

  // What Bob sees: the rogue key, with a proof that verifies. Only Alice can tell it is not hers.
  const served = await lookupIncluding(svc.url, ALICE, rogueIndex);
  const bobSees = verifyLookup(served, policy, ALICE);
  expect(bobSees.index).toBe(rogueIndex);
  expect(bobSees.entry.version).toBe(2);
  const rogueHash = createHash('sha256').update(dearmor(served.certificate).data).digest('hex');
  expect(rogueHash).not.toBe(createHash('sha256').update(dearmor(mine.certificate).data).digest('hex'));
  expect(svc.smtp.received.length).toBe(mailsBefore); // no mail went to Alice

  const alerted = await monitor();
  expect(alerted.code).toBe(2);
  const lines = jsonLines(alerted.stdout);
  const alerts = lines.filter((l) => l.type === 'alert');
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({
    kind: 'unexpected-key',
    id: `unexpected-key:${rogueIndex}`,
    origin,
    address: ALICE,
    index: rogueIndex,
    version: 2,
    certificateHash: rogueHash,
    fingerprint: rogueKey.fingerprint.toLowerCase(),
  });
  expect(String(alerts[0].message)).toContain(`index ${rogueIndex}`);
  expect(lines.at(-1)).toMatchObject({ type: 'summary', alerts: 1 });
  expect(hook.bodies).toEqual([expect.objectContaining({ type: 'alert', kind: 'unexpected-key', index: rogueIndex, address: ALICE, certificateHash: rogueHash })]);

  // The next run does not raise it again (and the webhook hears nothing new).
  const again = await monitor();
  expect(again.code).toBe(0);
  expect(jsonLines(again.stdout).filter((l) => l.type === 'alert')).toEqual([]);
  expect(hook.bodies).toHaveLength(1);

  // Covering tracks: a bind entry written to the log alone (the operator has the VRF key, so it
  // carries Alice's identity), absent from the directory's tables: history and lookups never
  // show it, the monitor still finds it in the tiles.
  const identity = vrfProve(svc.keys.vrfSecretKey, addressAlpha(ALICE)).output;
  const hidden = encodeEntry({ action: 'bind', identity, version: 3, certificateHash: createHash('sha256').update('a key nobody will see').digest() });
  const [hiddenPending] = await appendPending(svc.sql, [hidden]);
  const hiddenIndex = await until('the hidden entry integrated', async () => (await lookupPendingId(svc.sql, hiddenPending)).index ?? undefined);
  await servedPast(hiddenIndex);
  const history = (await (await fetch(`${svc.url}/api/v1/history?email=${ALICE}`)).json()) as { entries: { index: number }[] };
  expect(history.entries.map((e) => e.index)).toEqual([alice.index, rogueIndex]);
  expect(verifyLookup((await lookup(svc.url, ALICE))!, policy, ALICE).index).toBe(rogueIndex);

  const hiddenRun = await monitor();
  expect(hiddenRun.code).toBe(2);
  const hiddenAlerts = jsonLines(hiddenRun.stdout).filter((l) => l.type === 'alert');
  expect(hiddenAlerts).toEqual([expect.objectContaining({ kind: 'unexpected-key', index: hiddenIndex, address: ALICE, version: 3 })]);
  expect(hook.bodies.map((b) => b.index)).toEqual([rogueIndex, hiddenIndex]);
});
