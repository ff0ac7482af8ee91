// The retention rules of purgeUnverified on a real PostgreSQL, with rows made directly and an
// explicit clock: what is older than the retention and bound to nothing goes (with its key
// IDs, upload tokens and links), what is bound or has a live link stays, expired tokens go,
// used ones wait for their expiry, a certificate locked by a transaction is left alone, and
// several batches are worked through.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { purgeUnverified } from '../../server/directory/purge.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());
beforeEach(async () => {
  await db.sql`TRUNCATE certificates, certificate_keys, certificate_uploads, addresses, upload_tokens, verification_tokens CASCADE`;
});

function fingerprint(): string {
  return randomBytes(20).toString('hex').toUpperCase();
}

async function certificate(uploadedDaysAgo: number): Promise<string> {
  const fpr = fingerprint();
  await db.sql`INSERT INTO certificates (fingerprint, version, data) VALUES (${fpr}, 4, ${Buffer.from('x')})`;
  await db.sql`INSERT INTO certificate_uploads (fingerprint, uploaded_at) VALUES (${fpr}, ${daysAgo(uploadedDaysAgo)})`;
  await db.sql`INSERT INTO certificate_keys (fingerprint, key_id, primary_fingerprint) VALUES (${fpr}, ${fpr.slice(-16)}, ${fpr})`;
  return fpr;
}

async function bind(fpr: string, address: string): Promise<void> {
  await db.sql`INSERT INTO addresses (address, identity, vrf_proof, fingerprint) VALUES (${address}, ${randomBytes(64)}, ${randomBytes(80)}, ${fpr})`;
}

async function link(fpr: string, expires: Date, used: Date | null = null): Promise<Buffer> {
  const hash = randomBytes(32);
  await db.sql`INSERT INTO verification_tokens (token_hash, action, address, fingerprint, expires_at, used_at)
               VALUES (${hash}, 'bind', 'a@example.org', ${fpr}, ${expires}, ${used})`;
  return hash;
}

async function uploadToken(fpr: string, expires: Date): Promise<Buffer> {
  const hash = randomBytes(32);
  await db.sql`INSERT INTO upload_tokens (token_hash, fingerprint, expires_at) VALUES (${hash}, ${fpr}, ${expires})`;
  return hash;
}

async function exists(table: 'certificates' | 'certificate_keys' | 'certificate_uploads' | 'upload_tokens' | 'verification_tokens', column: string, value: string | Buffer): Promise<boolean> {
  const rows = await db.sql`SELECT 1 FROM ${db.sql(table)} WHERE ${db.sql(column)} = ${value}`;
  return rows.length > 0;
}

test('older than the retention and bound to nothing: deleted, with its key IDs, upload tokens and links', async () => {
  const old = await certificate(15);
  const up = await uploadToken(old, daysAgo(14));
  const used = await link(old, daysAgo(13), daysAgo(14));
  const r = await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(r.certificates).toBe(1);
  expect(await exists('certificates', 'fingerprint', old)).toBe(false);
  expect(await exists('certificate_keys', 'primary_fingerprint', old)).toBe(false);
  expect(await exists('certificate_uploads', 'fingerprint', old)).toBe(false);
  expect(await exists('upload_tokens', 'token_hash', up)).toBe(false);
  expect(await exists('verification_tokens', 'token_hash', used)).toBe(false);
});

test('the boundary: 14 days minus a minute stays, 14 days and a minute goes; the retention is configurable', async () => {
  const young = await certificate(14 - 1 / 1440);
  const aged = await certificate(14 + 1 / 1440);
  await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(await exists('certificates', 'fingerprint', young)).toBe(true);
  expect(await exists('certificates', 'fingerprint', aged)).toBe(false);
  await purgeUnverified(db.sql, { retentionDays: 30, now: NOW });
  expect(await exists('certificates', 'fingerprint', young)).toBe(true);
  await purgeUnverified(db.sql, { retentionDays: 7, now: NOW });
  expect(await exists('certificates', 'fingerprint', young)).toBe(false);
});

test('a certificate bound to an address is never touched, however old', async () => {
  const bound = await certificate(400);
  await bind(bound, 'alice@example.org');
  const r = await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(r.certificates).toBe(0);
  expect(await exists('certificates', 'fingerprint', bound)).toBe(true);
  const rows = await db.sql`SELECT fingerprint FROM addresses WHERE address = 'alice@example.org'`;
  expect(rows[0].fingerprint).toBe(bound);
});

test('a link that still works keeps its certificate; once it expired, both go', async () => {
  const waiting = await certificate(20);
  const live = await link(waiting, new Date(NOW.getTime() + 3600_000));
  await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(await exists('certificates', 'fingerprint', waiting)).toBe(true);
  expect(await exists('verification_tokens', 'token_hash', live)).toBe(true);
  const later = new Date(NOW.getTime() + 2 * 3600_000);
  await purgeUnverified(db.sql, { retentionDays: 14, now: later });
  expect(await exists('certificates', 'fingerprint', waiting)).toBe(false);
  expect(await exists('verification_tokens', 'token_hash', live)).toBe(false);
});

test('expired tokens go even when their certificate stays; used ones stay until they expire', async () => {
  const fresh = await certificate(1);
  const expiredUpload = await uploadToken(fresh, daysAgo(0.5));
  const liveUpload = await uploadToken(fresh, new Date(NOW.getTime() + 1000));
  const expiredLink = await link(fresh, daysAgo(0.1));
  const usedLive = await link(fresh, new Date(NOW.getTime() + 1000), daysAgo(0.1));
  const r = await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(r).toEqual({ certificates: 0, uploadTokens: 1, verificationTokens: 1 });
  expect(await exists('certificates', 'fingerprint', fresh)).toBe(true);
  expect(await exists('upload_tokens', 'token_hash', expiredUpload)).toBe(false);
  expect(await exists('upload_tokens', 'token_hash', liveUpload)).toBe(true);
  expect(await exists('verification_tokens', 'token_hash', expiredLink)).toBe(false);
  expect(await exists('verification_tokens', 'token_hash', usedLive)).toBe(true);
});

test('a certificate another transaction holds (an upload, a confirmation) is skipped, and purged on a later run', async () => {
  const held = await certificate(30);
  const other = db.connect(1);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const tx = other.begin(async (t) => {
    await t`SELECT 1 FROM certificates WHERE fingerprint = ${held} FOR UPDATE`;
    locked();
    await released;
  });
  await isLocked;
  const r = await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(r.certificates).toBe(0);
  release();
  await tx;
  expect(await exists('certificates', 'fingerprint', held)).toBe(true);
  await purgeUnverified(db.sql, { retentionDays: 14, now: NOW });
  expect(await exists('certificates', 'fingerprint', held)).toBe(false);
});

test('more candidates than one batch: all of them, batch after batch', async () => {
  const many: string[] = [];
  for (let i = 0; i < 23; i++) many.push(await certificate(20));
  const keep = await certificate(20);
  await bind(keep, 'bob@example.org');
  const r = await purgeUnverified(db.sql, { retentionDays: 14, now: NOW, batchSize: 5 });
  expect(r.certificates).toBe(23);
  const left = await db.sql`SELECT fingerprint FROM certificates`;
  expect(left.map((x) => x.fingerprint)).toEqual([keep]);
});

test('a retention that is not positive is refused', async () => {
  await expect(purgeUnverified(db.sql, { retentionDays: 0, now: NOW })).rejects.toThrow(RangeError);
});
