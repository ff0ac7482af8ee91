// Attack 4, rollback: the operator restores the directory's database from an old backup (or
// a server replays an older response) so that a client is shown a log smaller than one it
// already verified, forgetting entries it has seen (here: bob's binding). On the real directory
// and PostgreSQL: the backup is a copy of the database taken at size 1; the directory grows to
// size 2 and the client verifies that; then the same keys and origin run on the restored copy.
// The library (HeadStore through verifyLookup) rejects both the replayed old response and the
// restored server with RollbackError; the CLI lookup exits 1 naming the rollback; the CLI
// monitor alerts (exit 2, kind rollback); and when the restored server grows again to the same
// size with another tree, the client holds split-view evidence.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import {
  formatPolicy,
  HeadStore,
  LogClient,
  memoryStorage,
  RollbackError,
  SplitViewError,
  verifyLookup,
  verifySplitViewEvidence,
  type LookupResponse,
  type Policy,
} from '@glasskey/verifier';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { jsonLines, runCli } from '../cli/cli-harness.ts';
import { bindByMail, lookupIncluding, servedPolicy, tempDirs } from './attack-kit.ts';

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';
const origin = 'rollback.attack.test/log';
const dirs = tempDirs();
let db: TestDatabase;
let backupUrl: string;
let backupName: string;
let running: TestService | undefined;
let dataDir: string;

async function admin<T>(f: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(inject('pgAdminUrl'), { max: 1, onnotice: () => {} });
  try {
    return await f(sql);
  } finally {
    await sql.end();
  }
}

/** The directory on `url`, with the keys kept in one data directory (so every run is the same log). */
const directoryOn = (url: string) => startTestService({ DATABASE_URL: url, GLASSKEY_DATA_DIR: dataDir, GLASSKEY_ORIGIN: origin });

beforeAll(async () => {
  dataDir = dirs.make('glasskey-rollback-keys-');
  db = await freshDatabase({ migrate: false });
  backupName = `${db.name}_backup_${randomBytes(3).toString('hex')}`;
  const u = new URL(db.url);
  u.pathname = `/${backupName}`;
  backupUrl = u.toString();
});
afterAll(async () => {
  await running?.close();
  await db?.close();
  await admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${backupName} WITH (FORCE)`));
  dirs.cleanup();
});

async function verifyWithHead(response: LookupResponse, policy: Policy, address: string, heads: HeadStore, server: string) {
  const client = new LogClient(server);
  return verifyLookup(response, policy, address, undefined, { headStore: heads, consistencyProof: (m, n) => client.consistencyProof(m, n) });
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

test('a checkpoint smaller than the one in the client state is rejected: replayed, or from a restored backup', async () => {
  // Size 1: alice. The client verifies it (library HeadStore, and the CLI with a state dir).
  running = await directoryOn(db.url);
  const { policy } = await servedPolicy(running.url);
  const state = dirs.make('glasskey-rollback-client-');
  const policyFile = join(state, 'policy');
  writeFileSync(policyFile, formatPolicy(policy));
  const heads = new HeadStore(memoryStorage());
  const alice = await bindByMail(running, ALICE);
  const small = await lookupIncluding(running.url, ALICE, alice.index);
  expect((await verifyWithHead(small, policy, ALICE, heads, running.url)).checkpoint.size).toBe(1);
  const cli = (server: string, address = ALICE) => runCli(['lookup', address, '--server', server, '--policy', policyFile, '--state', state]);
  const monitor = (server: string) =>
    runCli(['monitor', '--server', server, '--policy', policyFile, '--address', ALICE, '--expect', alice.key.fingerprint, '--state', state, '--once', '--json']);
  expect((await cli(running.url)).code).toBe(0);

  // The operator's backup, taken now.
  await running.close();
  running = undefined;
  await admin((sql) => sql.unsafe(`CREATE DATABASE ${backupName} TEMPLATE ${db.name}`));

  // Size 2: bob is bound too; the client verifies the larger log (consistent with size 1).
  running = await directoryOn(db.url);
  const bob = await bindByMail(running, BOB);
  const large = await lookupIncluding(running.url, BOB, bob.index);
  const v2 = await verifyWithHead(large, policy, BOB, heads, running.url);
  expect(v2.checkpoint.size).toBe(2);
  const grown = await cli(running.url, BOB);
  expect(grown.code).toBe(0);
  expect(grown.stderr).toContain('consistent with the size 1 seen before');
  const watched = await monitor(running.url);
  expect(watched.code).toBe(0);
  expect(jsonLines(watched.stdout).at(-1)).toMatchObject({ type: 'summary', verifiedSize: 2, alerts: 0 });

  // A replay of the older response: rejected, the head stays.
  const replayed = await rejected(verifyWithHead(small, policy, ALICE, heads, running.url));
  expect(replayed).toBeInstanceOf(RollbackError);
  expect(replayed).toMatchObject({ code: 'rollback', origin, storedSize: 2, offeredSize: 1 });
  expect((await heads.head(origin))!.size).toBe(2);
  verifyLookup(small, policy, ALICE); // on its own it is a valid response: only the client's state shows the rollback

  // The operator restores the backup: the same log key and origin, the database at size 1.
  await running.close();
  running = undefined;
  running = await directoryOn(backupUrl);
  expect((await servedPolicy(running.url)).policy.log.verifier.keyId).toBe(policy.log.verifier.keyId);
  expect((await (await fetch(`${running.url}/api/v1/lookup?email=${BOB}`)).status)).toBe(404); // bob is forgotten
  const restored = await lookupIncluding(running.url, ALICE, alice.index);
  const fromBackup = await rejected(verifyWithHead(restored, policy, ALICE, heads, running.url));
  expect(fromBackup).toBeInstanceOf(RollbackError);
  expect(fromBackup).toMatchObject({ storedSize: 2, offeredSize: 1 });

  const refused = await cli(running.url);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe(''); // no certificate printed
  expect(refused.stderr).toContain(`lookup of ${ALICE} failed [rollback]: rollback: ${origin} offered a checkpoint of size 1, smaller than the verified 2`);

  const alerted = await monitor(running.url);
  expect(alerted.code).toBe(2);
  expect(jsonLines(alerted.stdout).filter((l) => l.type === 'alert')).toEqual([
    expect.objectContaining({ kind: 'rollback', origin, checkpointSize: 1 }),
  ]);

  // The restored server grows back to size 2 with another tree: now a split view, provably.
  const carol = await bindByMail(running, 'carol@example.org');
  expect(carol.index).toBe(1);
  const regrown = await lookupIncluding(running.url, 'carol@example.org', carol.index);
  const forked = await rejected(verifyWithHead(regrown, policy, 'carol@example.org', heads, running.url));
  expect(forked).toBeInstanceOf(SplitViewError);
  expect(verifySplitViewEvidence((forked as SplitViewError).evidence, policy).kind).toBe('same-size-different-roots');
});
