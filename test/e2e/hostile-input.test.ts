// Hostile and broken input end to end: a corpus of uploads and queries sent over real HTTP
// to one running service (real PostgreSQL, real SMTP) that already holds bound addresses.
// Each one must get a 4xx with a clear error body (JSON {error, code} on the JSON and VKS
// API, plain text on HKP, WKD and tiles), the server must stay up, and nothing already
// stored may change: the directory and log tables and the served checkpoint are compared
// after every case, and the lookups made before the corpus still verify afterwards. Secret
// keys are refused and never stored (no row anywhere holds their secret bytes), mailed or
// logged.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { parsePolicy, verifyLookup, type LookupResponse, type Policy } from '@glasskey/verifier';
import { tokenHash } from '../../server/directory/tokens.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { wkdHash } from '../../server/openpgp/wkd-hash.ts';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { assemble, encodePacket, generate, packetsOf, selfSignedUserId, Tag, text, type RawPacket, type TestKey } from '../openpgp/helpers.ts';

// ---------------------------------------------------------------------------------------
// Raw HTTP: node:http, so paths, methods, Host headers and bodies go out exactly as written.

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
}

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

function send(base: string, r: Req): Promise<Res> {
  const url = new URL(base);
  const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
  const headers: Record<string, string> = { ...r.headers };
  if (body && !r.chunked) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: url.hostname, port: url.port, method: r.method ?? 'GET', path: r.path, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8') });
      });
      res.on('error', reject);
    });
    // A server that answers 413 before reading the whole body may reset the connection
    // while we are still writing; the answer is what counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (body && r.chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    } else if (body) req.write(body);
    req.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const enc = encodeURIComponent;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const vksUpload = (keytext: unknown): Req => ({ method: 'POST', path: '/vks/v1/upload', headers: JSON_TYPE, body: JSON.stringify({ keytext }) });
const hkpAdd = (keytext: string): Req => ({ method: 'POST', path: '/pks/add', headers: FORM_TYPE, body: `keytext=${enc(keytext)}` });

function multipart(fields: Record<string, Uint8Array | string>, boundary = `----glasskey${hex(randomBytes(8))}`): Req {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const file = typeof value !== 'string';
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? '; filename="key.gpg"' : ''}\r\n` +
          `Content-Type: ${file ? 'application/octet-stream' : 'text/plain'}\r\n\r\n`,
      ),
      Buffer.from(value),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { method: 'POST', path: '/pks/add', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: Buffer.concat(parts) };
}

// ---------------------------------------------------------------------------------------
// OpenPGP material written by hand: packets with any content, forged signatures, secret keys.

/** Splits binary OpenPGP (new and old format headers) without refusing anything. */
function rawPackets(bytes: Uint8Array): RawPacket[] {
  const out: RawPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at];
    let tag: number, start: number, length: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      const l0 = bytes[at + 1];
      if (l0 < 192) [start, length] = [at + 2, l0];
      else if (l0 < 224) [start, length] = [at + 3, (l0 - 192) * 256 + bytes[at + 2] + 192];
      else [start, length] = [at + 6, ((bytes[at + 2] << 24) >>> 0) + (bytes[at + 3] << 16) + (bytes[at + 4] << 8) + bytes[at + 5]];
    } else {
      tag = (first >> 2) & 0x0f;
      const size = 1 << (first & 3);
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + bytes[at + 1 + i];
      start = at + 1 + size;
    }
    out.push({ tag, body: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/**
 * A v4 EdDSA signature packet body that claims `issuer` (8-byte key ID) and is not valid: the
 * digest prefix and the MPIs are junk. `n` makes each one distinct.
 */
function forgedSignature(issuer: Uint8Array, type: number, created: number, n: number): Uint8Array {
  const hashed = [5, 2, ...u32(created), 9, 16, ...issuer];
  return Uint8Array.from([4, type, 22, 8, 0, hashed.length, ...hashed, 0, 0, n & 255, (n >> 8) & 255, 0, 16, (n >> 8) & 255, n & 255, 0, 8, 0x5a]);
}

/** A user ID packet with `n` user IDs after the primary key, each followed by `sigFor(i)`. */
function manyUserIds(primary: RawPacket, n: number, sigFor?: (i: number) => Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [encodePacket(primary.tag, primary.body)];
  for (let i = 0; i < n; i++) {
    parts.push(encodePacket(Tag.userId, text(`Flood ${i} <flood${i}@example.org>`)));
    if (sigFor) parts.push(encodePacket(Tag.signature, sigFor(i)));
  }
  return Buffer.concat(parts);
}

/** The bytes that must never leave a secret key: its secret parameters and secret packet tails. */
function secretNeedles(key: openpgp.PrivateKey, binary: Uint8Array): Uint8Array[] {
  const needles: Uint8Array[] = [];
  for (const k of [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)]) {
    const params = (k as unknown as { privateParams: Record<string, Uint8Array> | null }).privateParams;
    for (const v of Object.values(params ?? {})) if (v instanceof Uint8Array && v.length >= 16) needles.push(v.subarray(v.length - 16));
  }
  for (const p of rawPackets(binary)) if (p.tag === Tag.secretKey || p.tag === 7) needles.push(p.body.subarray(p.body.length - 24));
  expect(needles.length).toBeGreaterThan(0);
  return needles;
}

/** Text forms a needle could take in a database dump, a log line or a mail: hex and base64 at each alignment. */
function needleForms(needle: Uint8Array): string[] {
  const forms = [hex(needle)];
  for (let k = 0; k < 3; k++) forms.push(b64(needle.subarray(k, k + 12)));
  return forms;
}

// ---------------------------------------------------------------------------------------

interface Bound {
  address: string;
  key: TestKey;
  fingerprint: string;
  lookup: LookupResponse;
}

let svc: TestService;
let policy: Policy;
let alice: TestKey;
let bob: TestKey;
let carol: TestKey;
let dave: TestKey;
let mallory: TestKey; // never uploaded: the base of certificates that must all be refused
let bound: Bound[] = [];
let daveToken: string;
let usedLink: string;
const expiredToken = 'EXPIREDtokenEXPIREDtok';
const expiredUploadToken = 'EXPIREDuploadEXPIREDup';
let checkpointBefore: string;
let snapshotBefore: Record<string, string>;
let uploadTokensBefore: number;
const logs: string[] = [];
const consoleOut: string[] = [];
const secrets: { name: string; needles: Uint8Array[]; binary: Uint8Array }[] = [];

/** Digest of every row of each table whose content must not change (rate limits and upload tokens apart). */
async function snapshot(): Promise<Record<string, string>> {
  const tables = [
    'certificates',
    'certificate_keys',
    'addresses',
    'address_entries',
    'verification_tokens',
    'log_pending',
    'log_batches',
    'log_tiles',
    'log_entry_bundles',
    'log_checkpoints',
  ];
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [row] = await svc.db.sql.unsafe(`SELECT count(*)::int AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS d FROM ${t} x`);
    out[t] = `${row.n}:${row.d}`;
  }
  return out;
}

async function uploadTokenCount(): Promise<number> {
  const [row] = await svc.db.sql`SELECT count(*)::int AS n FROM upload_tokens`;
  return row.n as number;
}

async function jsonPost(path: string, body: unknown): Promise<Res> {
  return send(svc.url, { method: 'POST', path, headers: JSON_TYPE, body: JSON.stringify(body) });
}

async function bind(address: string, key: TestKey): Promise<void> {
  const up = await jsonPost('/vks/v1/upload', { keytext: key.armored });
  expect(up.status, up.text).toBe(200);
  const { token, key_fpr } = JSON.parse(up.text);
  const seen = svc.mailsTo(address).length;
  const rv = await jsonPost('/vks/v1/request-verify', { token, addresses: [address] });
  expect(rv.status, rv.text).toBe(200);
  const link = await svc.linkFor(address, seen);
  const done = await send(svc.url, { method: 'POST', path: new URL(link).pathname, headers: { accept: 'application/json' } });
  expect(done.status, done.text).toBe(200);
  usedLink = new URL(link).pathname;
  bound.push({ address, key, fingerprint: key_fpr, lookup: undefined as unknown as LookupResponse });
}

async function lookup(address: string): Promise<LookupResponse> {
  const res = await send(svc.url, { path: `/api/v1/lookup?email=${enc(address)}` });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as LookupResponse;
}

beforeAll(async () => {
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleOut.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' ')));
  svc = await startTestService(
    {},
    {
      rates: ratePolicies({ uploadPerIp: { limit: 100_000 }, verifyMailPerIp: { limit: 100_000 }, verifyMailPerAddress: { limit: 1000 } }),
      log: (m, err) => logs.push(err ? `${m} ${String((err as Error)?.stack ?? err)}` : m),
    },
  );
  [alice, bob, carol, dave, mallory] = await Promise.all([
    generate('ed25519Legacy', [{ name: 'Alice', email: 'alice@example.org' }]),
    generate('v6', [{ name: 'Bob', email: 'bob@example.org' }]),
    generate('curve25519', [{ name: 'Carol', email: 'carol@example.net' }]),
    generate('ed25519Legacy', [{ name: 'Dave', email: 'dave@example.org' }]),
    generate('ed25519Legacy', [{ name: 'Mallory', email: 'mallory@example.org' }]),
  ]);
  await bind('alice@example.org', alice);
  await bind('bob@example.org', bob);
  await bind('carol@example.net', carol);
  // dave is uploaded but not verified: his upload token lets request-verify be attacked.
  const up = await jsonPost('/vks/v1/upload', { keytext: dave.armored });
  expect(up.status).toBe(200);
  daveToken = JSON.parse(up.text).token;
  // An expired mailed link and an expired upload token, as they would be a day later.
  await svc.db.sql`INSERT INTO verification_tokens (token_hash, action, address, fingerprint, expires_at)
    VALUES (${tokenHash(expiredToken)}, 'bind', 'dave@example.org', ${dave.privateKey.getFingerprint().toUpperCase()}, now() - interval '1 hour')`;
  await svc.db.sql`INSERT INTO upload_tokens (token_hash, fingerprint, expires_at)
    VALUES (${tokenHash(expiredUploadToken)}, ${dave.privateKey.getFingerprint().toUpperCase()}, now() - interval '1 hour')`;

  policy = parsePolicy((await send(svc.url, { path: '/api/v1/policy' })).text);
  // Let the sequencer settle (every confirmation waited for its own index), then record.
  for (const b of bound) b.lookup = await lookup(b.address);
  for (const b of bound) verifyLookup(b.lookup, policy, b.address);
  checkpointBefore = (await send(svc.url, { path: '/log/checkpoint' })).text;
  snapshotBefore = await snapshot();
  uploadTokensBefore = await uploadTokenCount();
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await svc?.close();
});

// ---------------------------------------------------------------------------------------
// The corpus.

type Body = 'json' | 'text' | 'html';

interface Case {
  category: string;
  name: string;
  req: () => Req | Promise<Req>;
  /** Expected body form. */
  body: Body;
  /** Expected status (default: any 4xx). */
  status?: number | number[];
  /** Expected JSON code, or a word of the plain-text error. */
  code?: string;
  /** A secret key: it is refused, and its secret bytes are searched for afterwards. */
  secret?: () => { key: openpgp.PrivateKey; binary: Uint8Array };
}

const CASES: Case[] = [];
const add = (category: string, cases: Omit<Case, 'category'>[]) => CASES.push(...cases.map((c) => ({ ...c, category })));

// --- damaged armor -----------------------------------------------------------------------
const lines = (armored: string) => armored.trimEnd().split('\n');
const withCrc = (armored: string, crc: string) => lines(armored).map((l) => (/^=[A-Za-z0-9+/]{4}$/.test(l) ? crc : l)).join('\n') + '\n';
function withCrcLine(armored: string): string {
  // openpgp v6 writes no checksum line; add the right one so that corrupting it means something.
  if (lines(armored).some((l) => /^=[A-Za-z0-9+/]{4}$/.test(l))) return armored;
  const ls = lines(armored);
  const body = ls.slice(ls.findIndex((l) => l === '') + 1, -1).join('');
  const bytes = Buffer.from(body, 'base64');
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  crc &= 0xffffff;
  const crcLine = '=' + Buffer.from([crc >> 16, (crc >> 8) & 255, crc & 255]).toString('base64');
  return [...ls.slice(0, -1), crcLine, ls[ls.length - 1]].join('\n') + '\n';
}
const flipCrc = (crcLine: string) => '=' + Buffer.from(Buffer.from(crcLine.slice(1), 'base64').map((b) => b ^ 0x55)).toString('base64');
const crcOf = (armored: string) => lines(armored).find((l) => /^=[A-Za-z0-9+/]{4}$/.test(l))!;
const malloryArmor = () => mallory.armored;

add('damaged armor', [
  { name: 'truncated armor (no END line), VKS', req: () => vksUpload(malloryArmor().slice(0, malloryArmor().length / 2)), body: 'json', status: 400, code: 'unreadable' },
  { name: 'truncated armor (no END line), HKP', req: () => hkpAdd(alice.armored.slice(0, 200)), body: 'text', status: 400 },
  {
    name: 'armor with half of its base64 lines cut out, VKS',
    req: () => {
      const ls = lines(withCrcLine(alice.armored));
      return vksUpload([...ls.slice(0, 3), ...ls.slice(Math.ceil(ls.length / 2))].join('\n'));
    },
    body: 'json',
    status: 400,
  },
  { name: 'wrong CRC, VKS', req: () => vksUpload(withCrc(withCrcLine(alice.armored), flipCrc(crcOf(withCrcLine(alice.armored))))), body: 'json', status: 400, code: 'unreadable' },
  { name: 'wrong CRC, HKP', req: () => hkpAdd(withCrc(withCrcLine(bob.armored), flipCrc(crcOf(withCrcLine(bob.armored))))), body: 'text', status: 400 },
  { name: 'CRC line that is not base64', req: () => vksUpload(withCrc(withCrcLine(alice.armored), '=!!!!')), body: 'json', status: 400, code: 'unreadable' },
  {
    name: 'junk header line without a colon',
    req: () => vksUpload(alice.armored.replace('-----BEGIN PGP PUBLIC KEY BLOCK-----\n', '-----BEGIN PGP PUBLIC KEY BLOCK-----\nthis is not a header\n')),
    body: 'json',
    status: 400,
  },
  {
    name: 'junk header with a NUL byte and a bare CR',
    req: () => vksUpload(alice.armored.replace('-----BEGIN PGP PUBLIC KEY BLOCK-----\n', '-----BEGIN PGP PUBLIC KEY BLOCK-----\nVer\u0000sion:\rx\n')),
    body: 'json',
    status: 400,
  },
  {
    name: 'header block with no blank line before the data',
    req: () => vksUpload(mallory.armored.replace(/\n\n/, '\nComment: x\n')),
    body: 'json',
    status: 400,
  },
  {
    name: 'base64 with characters outside the alphabet',
    req: () => {
      const ls = lines(mallory.armored);
      ls[3] = ls[3].slice(0, 10) + '*&^%$#' + ls[3].slice(16);
      return vksUpload(ls.join('\n'));
    },
    body: 'json',
    status: 400,
  },
  { name: 'BEGIN and END labels that differ', req: () => vksUpload(mallory.armored.replace('END PGP PUBLIC KEY BLOCK', 'END PGP PRIVATE KEY BLOCK')), body: 'json', status: [400, 422] },
  { name: 'an armored PGP MESSAGE', req: () => vksUpload(mallory.armored.replaceAll('PUBLIC KEY BLOCK', 'MESSAGE')), body: 'json', status: 400 },
  { name: 'an armored PGP SIGNATURE, HKP', req: () => hkpAdd(mallory.armored.replaceAll('PUBLIC KEY BLOCK', 'SIGNATURE')), body: 'text', status: 400 },
  { name: 'two BEGIN lines and one END line', req: () => vksUpload('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n' + mallory.armored), body: 'json', status: 400 },
  { name: 'empty armor block', req: () => vksUpload('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n'), body: 'json', status: [400, 422] },
]);

// --- random bytes and garbage --------------------------------------------------------------
const MiB = 1024 * 1024;
function randomPacketish(n: number): Uint8Array {
  const bytes = randomBytes(n);
  bytes[0] = 0x99; // an old-format public key header claiming a 2-byte length
  return bytes;
}
add('random bytes and garbage', [
  { name: '1 MiB of random bytes as the JSON body of VKS upload', req: () => ({ method: 'POST', path: '/vks/v1/upload', headers: JSON_TYPE, body: randomBytes(MiB) }), body: 'json', status: 400, code: 'bad-json' },
  { name: '1 MiB + 1 of random bytes to VKS upload', req: () => ({ method: 'POST', path: '/vks/v1/upload', headers: JSON_TYPE, body: randomBytes(MiB + 1) }), body: 'json', status: 413 },
  { name: '1 MiB of random bytes as an HKP form', req: () => ({ method: 'POST', path: '/pks/add', headers: FORM_TYPE, body: randomBytes(MiB) }), body: 'text', status: 400 },
  { name: '1 MiB + 1 of random bytes to HKP add', req: () => ({ method: 'POST', path: '/pks/add', headers: FORM_TYPE, body: randomBytes(MiB + 1) }), body: 'text', status: 413 },
  { name: '1 MiB + 1 chunked (no Content-Length) to VKS upload', req: () => ({ method: 'POST', path: '/vks/v1/upload', headers: JSON_TYPE, body: randomBytes(MiB + 1), chunked: true }), body: 'json', status: 413 },
  { name: '1 MiB + 1 chunked to HKP add', req: () => ({ method: 'POST', path: '/pks/add', headers: FORM_TYPE, body: randomBytes(MiB + 1), chunked: true }), body: 'text', status: 413 },
  { name: 'base64 of 760 KiB of random bytes as keytext', req: () => vksUpload(b64(randomBytes(760 * 1024))), body: 'json', status: [400, 422] },
  { name: 'random bytes framed as a public key packet, base64', req: () => vksUpload(b64(randomPacketish(4096))), body: 'json', status: [400, 422] },
  { name: 'random bytes in well-formed armor with the right CRC', req: () => vksUpload(withCrcLine(openpgp.armor(openpgp.enums.armor.publicKey, randomPacketish(8192)))), body: 'json', status: [400, 422] },
  {
    name: 'random bytes as a multipart file, just under 1 MiB in all',
    req: () => {
      const r = multipart({ keytext: randomPacketish(MiB - 400) });
      expect((r.body as Buffer).length).toBeLessThanOrEqual(MiB);
      return r;
    },
    body: 'text',
    status: [400, 422],
  },
  { name: 'a packet header claiming 4 GiB', req: () => vksUpload(b64(Uint8Array.of(0xc6, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3))), body: 'json', status: 400 },
  {
    name: 'a self-signature whose MPIs are zero (parses, cannot be written back)',
    req: () => vksUpload(b64(assemble([primaryOf(mallory), { tag: Tag.userId, body: text('<mallory@example.org>') }, { tag: Tag.signature, body: forgedSignature(keyIdBytes(mallory), 0x13, nowSeconds() + 60, 0) }]))),
    body: 'json',
    status: 422,
  },
  { name: 'a lone signature packet (no primary key)', req: () => vksUpload(b64(encodePacket(Tag.signature, forgedSignature(randomBytes(8), 0x13, 1_700_000_000, 1)))), body: 'json', status: 422, code: 'no-primary-key' },
  { name: 'a truncated public key packet', req: () => vksUpload(b64(alice.binary.subarray(0, 20))), body: 'json', status: 400 },
  { name: 'SQL as keytext', req: () => vksUpload("'; DROP TABLE certificates; --"), body: 'json', status: 400 },
  { name: 'empty keytext', req: () => vksUpload(''), body: 'json', status: 400 },
  { name: 'HKP add without keytext', req: () => ({ method: 'POST', path: '/pks/add', headers: FORM_TYPE, body: 'key=abc' }), body: 'text', status: 400 },
]);

// --- user ID floods --------------------------------------------------------------------------
const primaryOf = (k: TestKey) => packetsOf(k.binary)[0];
const keyIdBytes = (k: TestKey) => Uint8Array.from(Buffer.from(k.privateKey.getKeyID().toHex(), 'hex'));
const nowSeconds = () => Math.floor(Date.now() / 1000);

add('user ID floods', [
  { name: '10,000 user IDs without signatures, VKS', req: () => vksUpload(b64(manyUserIds(primaryOf(mallory), 10_000))), body: 'json', status: 422 },
  { name: '10,000 user IDs without signatures, HKP armored', req: () => hkpAdd(openpgp.armor(openpgp.enums.armor.publicKey, manyUserIds(primaryOf(mallory), 10_000))), body: 'text', status: 422 },
  {
    name: '10,000 user IDs each with a forged self-signature (bounded work)',
    req: () => {
      const t = nowSeconds() - 60;
      return vksUpload(b64(manyUserIds(primaryOf(mallory), 10_000, (i) => forgedSignature(keyIdBytes(mallory), 0x13, t - i, i))));
    },
    body: 'json',
    status: [413, 422],
  },
  {
    name: '10,000 user IDs each with a copy of a genuine signature (over the body limit), HKP multipart',
    req: () => {
      const sig = packetsOf(mallory.binary).find((p) => p.tag === Tag.signature)!.body;
      return multipart({ keytext: manyUserIds(primaryOf(mallory), 10_000, () => sig) });
    },
    body: 'text',
    status: 413,
  },
  {
    name: '1,000 user IDs with valid self-signatures',
    req: async () => {
      const { publicKey } = await openpgp.generateKey({
        userIDs: Array.from({ length: 1000 }, (_, i) => ({ email: `many${i}@example.org` })),
        type: 'ecc',
        curve: 'ed25519Legacy',
        format: 'binary',
      });
      return vksUpload(b64(publicKey));
    },
    body: 'json',
    status: 422,
    code: 'too-many-addresses',
  },
  {
    name: '300 subkey packets without bindings',
    req: () => {
      const primary = primaryOf(mallory);
      const parts = [encodePacket(primary.tag, primary.body)];
      for (let i = 0; i < 300; i++)
        parts.push(encodePacket(Tag.publicSubkey, Uint8Array.from([4, ...u32(1_700_000_000 + i), 22, 0, 9, 0x2b, 6, 1, 4, 1, 0xda, 0x47, 0x0f, 1, 1, 7, 0x40, ...randomBytes(32)])));
      return vksUpload(b64(Buffer.concat(parts)));
    },
    body: 'json',
    status: 422,
  },
]);

// --- signature floods ----------------------------------------------------------------------
function flooded(k: TestKey, sigFor: (i: number) => Uint8Array, n: number): Uint8Array {
  const packets = packetsOf(k.binary);
  const uid = packets.findIndex((p) => p.tag === Tag.userId);
  const extra: RawPacket[] = Array.from({ length: n }, (_, i) => ({ tag: Tag.signature, body: sigFor(i) }));
  return assemble([...packets.slice(0, uid + 2), ...extra, ...packets.slice(uid + 2)]);
}
add('signature floods', [
  {
    name: "5,000 forged self-certifications on a bound key's user ID, newer than the genuine one (bounded work)",
    req: () => {
      // Newer than the real self-signature (within the allowed clock skew), so each is tried first.
      const t = nowSeconds() + 120;
      return vksUpload(b64(flooded(alice, (i) => forgedSignature(keyIdBytes(alice), 0x13, t - (i % 60), i + 256), 5000)));
    },
    body: 'json',
    status: 413,
    code: 'too-large',
  },
  {
    name: '4,000 third-party certifications on a key whose only user ID has no address, HKP',
    req: async () => {
      const noAddress = await generate('ed25519Legacy', [{ name: 'No Address Here' }]);
      return hkpAdd(openpgp.armor(openpgp.enums.armor.publicKey, flooded(noAddress, (i) => forgedSignature(randomBytes(8), 0x10, 1_700_000_000 + i, i), 4000)));
    },
    body: 'text',
    status: 422,
  },
  {
    name: '4,000 forged key revocations on a bound key',
    req: () => {
      const packets = packetsOf(alice.binary);
      const extra = Array.from({ length: 4000 }, (_, i) => ({ tag: Tag.signature, body: forgedSignature(keyIdBytes(alice), 0x20, nowSeconds() - 100 - i, i) }));
      return vksUpload(b64(assemble([packets[0], ...extra, ...packets.slice(1)])));
    },
    body: 'json',
    status: 413,
  },
]);

// --- secret keys -------------------------------------------------------------------------------
interface Secret {
  key: openpgp.PrivateKey;
  binary: Uint8Array;
  armored: string;
}
const secretKeys: Record<string, Secret> = {};
async function secretKey(name: string, kind: 'ed25519Legacy' | 'v6' | 'rsa2048', passphrase?: string): Promise<Secret> {
  if (!secretKeys[name]) {
    const k = await generate(kind, [{ name: 'Secret', email: `secret-${Object.keys(secretKeys).length}@example.org` }]);
    let key = k.privateKey;
    if (passphrase) key = await openpgp.encryptKey({ privateKey: key, passphrase });
    secretKeys[name] = { key: k.privateKey, binary: key.write(), armored: key.armor() };
  }
  return secretKeys[name];
}
function secretCase(name: string, kind: 'ed25519Legacy' | 'v6' | 'rsa2048', make: (s: Secret) => Req, body: Body, opts: { passphrase?: string; status?: number | number[] } = {}): Omit<Case, 'category'> {
  let made: Secret | undefined;
  return {
    name,
    req: async () => make((made = await secretKey(name, kind, opts.passphrase))),
    body,
    status: opts.status ?? 422,
    code: opts.status ? undefined : body === 'json' ? 'secret-key' : 'private key',
    secret: () => ({ key: made!.key, binary: made!.binary }),
  };
}
add('secret keys', [
  secretCase('v4 armored, VKS', 'ed25519Legacy', (s) => vksUpload(s.armored), 'json'),
  secretCase('v4 binary as base64, VKS', 'ed25519Legacy', (s) => vksUpload(b64(s.binary)), 'json'),
  secretCase('v6 armored, VKS', 'v6', (s) => vksUpload(s.armored), 'json'),
  secretCase('v6 binary as base64, VKS', 'v6', (s) => vksUpload(b64(s.binary)), 'json'),
  secretCase('RSA armored, VKS', 'rsa2048', (s) => vksUpload(s.armored), 'json'),
  secretCase('v4 armored, HKP form', 'ed25519Legacy', (s) => hkpAdd(s.armored), 'text'),
  secretCase('v6 armored, HKP form', 'v6', (s) => hkpAdd(s.armored), 'text'),
  secretCase('v4 binary, HKP multipart', 'ed25519Legacy', (s) => multipart({ keytext: s.binary }), 'text'),
  secretCase('v6 binary, HKP multipart', 'v6', (s) => multipart({ keytext: s.binary }), 'text'),
  secretCase('v4 secret packets under a PUBLIC KEY BLOCK armor header', 'ed25519Legacy', (s) => vksUpload(withCrcLine(openpgp.armor(openpgp.enums.armor.publicKey, s.binary))), 'json'),
  secretCase('v6 secret packets under a PUBLIC KEY BLOCK armor header, HKP', 'v6', (s) => hkpAdd(openpgp.armor(openpgp.enums.armor.publicKey, s.binary)), 'text'),
  secretCase('passphrase-protected v4 key, armored, VKS', 'ed25519Legacy', (s) => vksUpload(s.armored), 'json', { passphrase: 'correct horse' }),
  secretCase(
    'public primary key with a secret subkey packet, base64, VKS',
    'ed25519Legacy',
    (s) => {
      const pub = packetsOf(s.key.toPublic().write()).filter((p) => p.tag !== Tag.publicSubkey && p.tag !== Tag.signature);
      const all = rawPackets(s.binary);
      const sub = all.findIndex((p) => p.tag === 7);
      return vksUpload(b64(Buffer.concat([assemble(pub), assemble(all.slice(sub))])));
    },
    'json',
  ),
  secretCase('a public block followed by a private block, HKP', 'v6', (s) => hkpAdd(mallory.armored + '\n' + s.armored), 'text'),
  secretCase('PUT / with an armored secret key (no such route)', 'ed25519Legacy', (s) => ({ method: 'PUT', path: '/', headers: { 'content-type': 'application/pgp-keys' }, body: s.armored }), 'json', { status: [404, 405, 422] }),
  secretCase('PUT / with a binary v6 secret key (no such route)', 'v6', (s) => ({ method: 'PUT', path: '/', headers: { 'content-type': 'application/octet-stream' }, body: s.binary }), 'json', { status: [404, 405, 422] }),
]);

// --- hostile user IDs (validly self-signed) ------------------------------------------------------
async function selfSigned(userIds: (string | Uint8Array)[]): Promise<Uint8Array> {
  const packets: RawPacket[] = [primaryOf(mallory)];
  for (const u of userIds) packets.push(...(await selfSignedUserId(mallory, u)));
  return assemble(packets);
}
add('hostile user IDs', [
  { name: 'NUL byte in the only user ID', req: async () => vksUpload(b64(await selfSigned(['Mallory\u0000 <mallory@example.org>']))), body: 'json', status: 422 },
  { name: 'NUL byte inside the address', req: async () => vksUpload(b64(await selfSigned(['<mall\u0000ory@example.org>']))), body: 'json', status: 422 },
  { name: 'non-UTF-8 bytes in the only user ID', req: async () => vksUpload(b64(await selfSigned([Uint8Array.from([0x4d, 0xff, 0xfe, 0xc3, 0x28, 0x20, ...text('<mallory@example.org>')])]))), body: 'json', status: 422 },
  { name: 'CR LF header injection in the user ID', req: async () => vksUpload(b64(await selfSigned(['Mallory <mallory@example.org>\r\nBcc: victim@example.org']))), body: 'json', status: 422 },
  { name: 'CR LF inside the address of the user ID, HKP', req: async () => hkpAdd(openpgp.armor(openpgp.enums.armor.publicKey, await selfSigned(['<mallory@example.org\r\nBcc:victim@example.org>']))), body: 'text', status: 422 },
  { name: 'right-to-left override in the user ID', req: async () => vksUpload(b64(await selfSigned(['\u202eyrollam <mallory@example.org>']))), body: 'json', status: 422 },
  { name: 'two addresses in one user ID', req: async () => vksUpload(b64(await selfSigned(['alice@example.org <mallory@example.org>']))), body: 'json', status: 422 },
  { name: 'SQL in the address of the user ID', req: async () => vksUpload(b64(await selfSigned(["Bobby <'); DROP TABLE addresses;--@example.org>"]))), body: 'json', status: 422 },
  { name: 'a 10 KB address in the user ID', req: async () => vksUpload(b64(await selfSigned([`Mallory <${'m'.repeat(10_000)}@example.org>`]))), body: 'json', status: 422 },
  { name: 'a 70 KB user ID (cleaned certificate over 64 KiB)', req: async () => vksUpload(b64(await selfSigned([`${'A'.repeat(70_000)} <mallory@example.org>`]))), body: 'json', status: 413, code: 'too-large' },
]);

// --- header injection in addresses ----------------------------------------------------------------
add('header injection in addresses', [
  { name: 'request-verify with CR LF and a Bcc header in the address', req: () => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token: daveToken, addresses: ['dave@example.org\r\nBcc: victim@example.org'] }) }), body: 'json', status: 400 },
  { name: 'request-verify with %0d%0a in the address', req: () => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token: daveToken, addresses: ['dave@example.org%0d%0aBcc:victim@example.org'] }) }), body: 'json', status: 400 },
  { name: 'request-verify with an address the key does not have', req: () => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token: daveToken, addresses: ['alice@example.org'] }) }), body: 'json', status: 400 },
  { name: 'manage with CR LF in the address', req: () => ({ method: 'POST', path: '/api/v1/manage', headers: JSON_TYPE, body: JSON.stringify({ email: 'alice@example.org\r\nBcc: victim@example.org' }) }), body: 'json', status: 400 },
  { name: 'manage with a quoted display name and two addresses', req: () => ({ method: 'POST', path: '/api/v1/manage', headers: JSON_TYPE, body: JSON.stringify({ email: '"x" <alice@example.org>, victim@example.org' }) }), body: 'json', status: 400 },
  { name: 'lookup with %0d%0a in the email', req: () => ({ path: `/api/v1/lookup?email=alice@example.org%0d%0aBcc:%20victim@example.org` }), body: 'json', status: 400 },
  { name: 'VKS by-email with %0D%0A in the path', req: () => ({ path: `/vks/v1/by-email/alice%40example.org%0D%0AX-Injected:%201` }), body: 'json', status: 400 },
  { name: 'HKP search with %0d%0a', req: () => ({ path: `/pks/lookup?op=get&search=alice@example.org%0d%0aX-Injected:%201` }), body: 'text', status: 400 },
  { name: 'verify link with %0d%0a after the token', req: () => ({ path: `${usedLink}%0d%0aSet-Cookie:%20x=1`, headers: { accept: 'application/json' } }), body: 'json', status: 404 },
]);

// --- SQL metacharacters in every parameter -----------------------------------------------------------
const SQL = "' OR '1'='1' --";
const SQL_ADDRESS = "'OR'1'='1'@example.org"; // a syntactically valid address made of SQL
add('SQL metacharacters', [
  { name: 'lookup?email=SQL', req: () => ({ path: `/api/v1/lookup?email=${enc(SQL)}` }), body: 'json', status: 400 },
  { name: 'lookup?email=SQL that is a valid address', req: () => ({ path: `/api/v1/lookup?email=${enc(SQL_ADDRESS)}` }), body: 'json', status: 404 },
  { name: 'history?email=SQL', req: () => ({ path: `/api/v1/history?email=${enc("x'; DELETE FROM address_entries; --")}` }), body: 'json', status: 400 },
  { name: 'VKS by-email/SQL address', req: () => ({ path: `/vks/v1/by-email/${enc(SQL_ADDRESS)}` }), body: 'json', status: 404 },
  { name: 'VKS by-fingerprint/SQL', req: () => ({ path: `/vks/v1/by-fingerprint/${enc(SQL)}` }), body: 'json', status: 400 },
  { name: 'VKS by-keyid/SQL', req: () => ({ path: `/vks/v1/by-keyid/${enc("0' OR 1=1;--")}` }), body: 'json', status: 400 },
  { name: 'HKP search=SQL', req: () => ({ path: `/pks/lookup?op=index&options=mr&search=${enc(SQL)}` }), body: 'text', status: 400 },
  { name: 'HKP search=0x + SQL', req: () => ({ path: `/pks/lookup?op=get&search=${enc("0x' OR 1=1")}` }), body: 'text', status: 400 },
  { name: 'HKP search=SQL address, options=SQL', req: () => ({ path: `/pks/lookup?op=get&options=${enc("mr';DROP TABLE x")}&search=${enc(SQL_ADDRESS)}` }), body: 'text', status: 404 },
  { name: 'consistency old=SQL', req: () => ({ path: `/api/v1/proof/consistency?old=${enc('1; DROP TABLE log_tiles')}&new=1` }), body: 'json', status: 400 },
  { name: 'tile path with SQL', req: () => ({ path: `/log/tile/0/${enc("000' OR 1=1")}` }), body: 'text', status: 404 },
  { name: 'verify token made of SQL', req: () => ({ method: 'POST', path: `/verify/${enc("'OR'1'='1'--xxxxxxxxxxx")}`, headers: { accept: 'application/json' } }), body: 'json', status: 404 },
  { name: 'request-verify token SQL', req: () => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token: SQL, addresses: ['dave@example.org'] }) }), body: 'json', status: 400 },
  { name: 'request-verify addresses SQL', req: () => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token: daveToken, addresses: [SQL_ADDRESS] }) }), body: 'json', status: 400 },
  { name: 'manage email SQL', req: () => ({ method: 'POST', path: '/api/v1/manage', headers: JSON_TYPE, body: JSON.stringify({ email: SQL }) }), body: 'json', status: 400 },
  { name: 'WKD l=SQL with its matching hash', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash("x'OR'1'='1")}?l=${enc("x'OR'1'='1")}` }), body: 'text', status: 404 },
]);

// --- absurd search strings -------------------------------------------------------------------------
add('absurd search strings', [
  { name: 'HKP search of 10 KB', req: () => ({ path: `/pks/lookup?op=get&search=${'a'.repeat(5000)}@${'b'.repeat(5000)}.org` }), body: 'text', status: 400 },
  { name: 'HKP search unicode (emoji)', req: () => ({ path: `/pks/lookup?op=index&options=mr&search=${enc('💣🔑@🔥.example')}` }), body: 'text', status: [400, 404] },
  { name: 'HKP search unicode (IDN, unbound)', req: () => ({ path: `/pks/lookup?op=get&search=${enc('ünïcødé@exämple.org')}` }), body: 'text', status: [400, 404] },
  { name: 'HKP search=*', req: () => ({ path: '/pks/lookup?op=index&search=*' }), body: 'text', status: 400 },
  { name: 'HKP search=%', req: () => ({ path: '/pks/lookup?op=index&search=%' }), body: 'text', status: 400 },
  { name: 'HKP search=%25 (a percent sign)', req: () => ({ path: '/pks/lookup?op=get&search=%25' }), body: 'text', status: 400 },
  { name: 'HKP search=0x + 8 hex (short key ID)', req: () => ({ path: `/pks/lookup?op=get&search=0x${alice.privateKey.getKeyID().toHex().slice(-8)}` }), body: 'text', status: 400 },
  { name: 'HKP search=0x + 15 hex', req: () => ({ path: '/pks/lookup?op=get&search=0x0123456789ABCDE' }), body: 'text', status: 400 },
  { name: 'HKP search missing', req: () => ({ path: '/pks/lookup?op=get' }), body: 'text', status: 400 },
  { name: 'HKP substring search (local part only)', req: () => ({ path: '/pks/lookup?op=index&search=alice' }), body: 'text', status: 400 },
  { name: 'HKP substring search (domain only)', req: () => ({ path: '/pks/lookup?op=index&search=example.org' }), body: 'text', status: 400 },
  { name: 'HKP search with a NUL', req: () => ({ path: '/pks/lookup?op=get&search=alice%00@example.org' }), body: 'text', status: 400 },
  { name: 'VKS by-email of 10 KB', req: () => ({ path: `/vks/v1/by-email/${'a'.repeat(10_000)}%40example.org` }), body: 'json', status: 400 },
  { name: 'VKS by-email with a lone percent sign', req: () => ({ path: '/vks/v1/by-email/100%25%40example.org' }), body: 'json', status: [400, 404] },
  { name: 'VKS by-email with a broken percent escape', req: () => ({ path: '/vks/v1/by-email/alice%E0%A4%A@example.org' }), body: 'json', status: [400, 404] },
  { name: 'VKS by-email of *', req: () => ({ path: '/vks/v1/by-email/*' }), body: 'json', status: 400 },
  { name: 'lookup?email= (empty)', req: () => ({ path: '/api/v1/lookup?email=' }), body: 'json', status: 400 },
  { name: 'lookup?email=%', req: () => ({ path: '/api/v1/lookup?email=%' }), body: 'json', status: 400 },
  { name: 'lookup?email of 10 KB', req: () => ({ path: `/api/v1/lookup?email=${'x'.repeat(10_000)}@example.org` }), body: 'json', status: 400 },
  { name: 'history?email=* (a wildcard, no address)', req: () => ({ path: '/api/v1/history?email=*' }), body: 'json', status: 400 },
  { name: 'history?email=%25%40%25 (SQL LIKE wildcards)', req: () => ({ path: '/api/v1/history?email=%25%40%25' }), body: 'json', status: 400 },
  { name: 'VKS by-keyid with 0x and 8 hex', req: () => ({ path: '/vks/v1/by-keyid/0xDEADBEEF' }), body: 'json', status: 400 },
]);

// --- bad tokens ----------------------------------------------------------------------------------
const verifyJson = (token: string, method = 'POST'): Req => ({ method, path: `/verify/${token}`, headers: { accept: 'application/json' } });
const rv = (token: unknown, addresses: unknown = ['dave@example.org']): Req => ({ method: 'POST', path: '/vks/v1/request-verify', headers: JSON_TYPE, body: JSON.stringify({ token, addresses }) });
add('bad tokens', [
  { name: 'verify: short token', req: () => verifyJson('abc'), body: 'json', status: 404 },
  { name: 'verify: 1000-character token', req: () => verifyJson('A'.repeat(1000)), body: 'json', status: 404 },
  { name: 'verify: 22 characters outside base64url', req: () => verifyJson(enc('!!!!!!!!!!!!!!!!!!!!!!')), body: 'json', status: 404 },
  { name: 'verify: standard base64 (+ and /) instead of base64url', req: () => verifyJson(enc('AAAAAAAAAAAAAAAAAAAA+/')), body: 'json', status: 404 },
  { name: 'verify: well-formed but unknown token (POST)', req: () => verifyJson('AAAAAAAAAAAAAAAAAAAAAA'), body: 'json', status: 404 },
  { name: 'verify: well-formed but unknown token (GET)', req: () => verifyJson('AAAAAAAAAAAAAAAAAAAAAA', 'GET'), body: 'json', status: 404 },
  { name: 'verify: expired token (POST)', req: () => verifyJson(expiredToken), body: 'json', status: 410, code: 'expired-token' },
  { name: 'verify: expired token (GET, HTML page)', req: () => ({ path: `/verify/${expiredToken}` }), body: 'html', status: 410 },
  { name: 'verify: used token (POST again)', req: () => ({ method: 'POST', path: usedLink, headers: { accept: 'application/json' } }), body: 'json', status: 410, code: 'used-token' },
  { name: 'verify: used token (GET, HTML page)', req: () => ({ path: usedLink }), body: 'html', status: 410 },
  { name: 'request-verify: short token', req: () => rv('abc'), body: 'json', status: 400 },
  { name: 'request-verify: long token', req: () => rv('A'.repeat(5000)), body: 'json', status: 400 },
  { name: 'request-verify: token that is not base64url', req: () => rv('~~~~~~~~~~~~~~~~~~~~~~'), body: 'json', status: 400 },
  { name: 'request-verify: unknown well-formed token', req: () => rv('BBBBBBBBBBBBBBBBBBBBBB'), body: 'json', status: 404 },
  { name: 'request-verify: expired upload token', req: () => rv(expiredUploadToken), body: 'json', status: 404 },
  { name: 'request-verify: a mailed-link token used as upload token', req: () => rv(usedLink.split('/').pop()), body: 'json', status: 404 },
  { name: 'request-verify: token as a number', req: () => rv(12345), body: 'json', status: 400 },
]);

// --- wrong methods -----------------------------------------------------------------------------------
const wrongMethods: [string, string][] = [
  ['PUT', '/api/v1/lookup?email=alice@example.org'],
  ['DELETE', '/api/v1/lookup?email=alice@example.org'],
  ['PATCH', '/api/v1/history?email=alice@example.org'],
  ['POST', '/api/v1/policy'],
  ['DELETE', '/vks/v1/by-email/alice@example.org'],
  ['PUT', '/vks/v1/by-fingerprint/0123456789ABCDEF0123456789ABCDEF01234567'],
  ['GET', '/vks/v1/upload'],
  ['PATCH', '/pks/lookup?op=get&search=alice@example.org'],
  ['GET', '/pks/add'],
  ['DELETE', '/log/checkpoint'],
  ['PUT', '/log/tile/0/000.p/1'],
  ['POST', '/.well-known/openpgpkey/example.org/policy'],
  ['DELETE', `/verify/AAAAAAAAAAAAAAAAAAAAAA`],
  ['PATCH', '/api/v1/proof/consistency?old=0&new=1'],
  ['GET', '/api/v1/manage'],
];
add(
  'wrong methods',
  wrongMethods.map(([method, path]) => ({
    name: `${method} ${path}`,
    req: () => ({ method, path, headers: JSON_TYPE, body: method === 'GET' ? undefined : '{}' }),
    body: 'json' as Body,
    status: [404, 405],
  })),
);

// --- wrong content types -------------------------------------------------------------------------------
add('wrong content types', [
  { name: 'VKS upload as a urlencoded form', req: () => ({ method: 'POST', path: '/vks/v1/upload', headers: FORM_TYPE, body: `keytext=${enc(mallory.armored)}` }), body: 'json', status: [400, 415], code: 'bad-json' },
  { name: 'VKS upload as multipart', req: () => ({ ...multipart({ keytext: mallory.armored }), path: '/vks/v1/upload' }), body: 'json', status: [400, 415] },
  { name: 'VKS upload as application/pgp-keys (raw armor)', req: () => ({ method: 'POST', path: '/vks/v1/upload', headers: { 'content-type': 'application/pgp-keys' }, body: mallory.armored }), body: 'json', status: [400, 415] },
  { name: 'HKP add with a JSON body', req: () => ({ method: 'POST', path: '/pks/add', headers: JSON_TYPE, body: JSON.stringify({ keytext: mallory.armored }) }), body: 'text', status: [400, 415] },
  { name: 'HKP add as multipart without a boundary', req: () => ({ method: 'POST', path: '/pks/add', headers: { 'content-type': 'multipart/form-data' }, body: 'keytext=abc' }), body: 'text', status: 400 },
  { name: 'HKP add as multipart with a broken body', req: () => ({ method: 'POST', path: '/pks/add', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="keytext"\r\n\r\nabc' }), body: 'text', status: 400 },
  { name: 'HKP add as text/plain with armor', req: () => ({ method: 'POST', path: '/pks/add', headers: { 'content-type': 'text/plain' }, body: mallory.armored }), body: 'text', status: [400, 415] },
  { name: 'manage as text/xml', req: () => ({ method: 'POST', path: '/api/v1/manage', headers: { 'content-type': 'text/xml' }, body: '<email>alice@example.org</email>' }), body: 'json', status: [400, 415] },
]);

// --- invalid JSON -----------------------------------------------------------------------------------------
const rawJson = (path: string, body: string | Uint8Array): Req => ({ method: 'POST', path, headers: JSON_TYPE, body });
add('invalid JSON', [
  { name: 'unterminated object', req: () => rawJson('/vks/v1/upload', '{'), body: 'json', status: 400, code: 'bad-json' },
  { name: 'missing value', req: () => rawJson('/vks/v1/upload', '{"keytext": }'), body: 'json', status: 400, code: 'bad-json' },
  { name: 'single quotes', req: () => rawJson('/vks/v1/request-verify', "{'token': 'x'}"), body: 'json', status: 400, code: 'bad-json' },
  { name: 'empty body', req: () => rawJson('/api/v1/manage', ''), body: 'json', status: 400, code: 'bad-json' },
  { name: '200,000 levels of nesting', req: () => rawJson('/vks/v1/upload', '['.repeat(200_000) + ']'.repeat(200_000)), body: 'json', status: 400 },
  { name: 'invalid UTF-8 inside a string', req: () => rawJson('/vks/v1/upload', Buffer.concat([Buffer.from('{"keytext":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}')])), body: 'json', status: 400 },
  { name: 'a byte-order mark and a garbage keytext', req: () => rawJson('/vks/v1/upload', '\uFEFF{"keytext":"garbage"}'), body: 'json', status: 400 },
  { name: 'trailing garbage after the object', req: () => rawJson('/api/v1/manage', '{"email":"alice@example.org"} trailing'), body: 'json', status: 400, code: 'bad-json' },
]);

// --- JSON of the wrong shape ------------------------------------------------------------------------------
add('JSON of the wrong shape', [
  { name: 'upload: an array', req: () => rawJson('/vks/v1/upload', '[]'), body: 'json', status: 400 },
  { name: 'upload: a number', req: () => rawJson('/vks/v1/upload', '42'), body: 'json', status: 400 },
  { name: 'upload: null', req: () => rawJson('/vks/v1/upload', 'null'), body: 'json', status: 400 },
  { name: 'upload: a string', req: () => rawJson('/vks/v1/upload', JSON.stringify(mallory.armored)), body: 'json', status: 400 },
  { name: 'upload: keytext is a number', req: () => vksUpload(42), body: 'json', status: 400 },
  { name: 'upload: keytext is a list', req: () => vksUpload([mallory.armored]), body: 'json', status: 400 },
  { name: 'upload: keytext is an object', req: () => vksUpload({ $ne: null }), body: 'json', status: 400 },
  { name: 'upload: keytext nested 1,000 deep', req: () => vksUpload(JSON.parse('{"a":'.repeat(1000) + '1' + '}'.repeat(1000))), body: 'json', status: 400 },
  { name: 'request-verify: addresses is a string', req: () => rv(daveToken, 'dave@example.org'), body: 'json', status: 400 },
  { name: 'request-verify: addresses are numbers', req: () => rv(daveToken, [1, 2]), body: 'json', status: 400 },
  { name: 'request-verify: addresses nested', req: () => rv(daveToken, [['dave@example.org']]), body: 'json', status: 400 },
  { name: 'request-verify: addresses are objects', req: () => rv(daveToken, [{ address: 'dave@example.org' }]), body: 'json', status: 400 },
  { name: 'request-verify: no addresses', req: () => rv(daveToken, []), body: 'json', status: 400 },
  { name: 'request-verify: 33 addresses', req: () => rv(daveToken, Array.from({ length: 33 }, () => 'dave@example.org')), body: 'json', status: 400 },
  {
    name: 'request-verify: 60,000 addresses (under the body limit)',
    req: () => {
      const r = rv(daveToken, Array.from({ length: 60_000 }, (_, i) => `${i}@x.io`));
      expect(Buffer.byteLength(r.body as string)).toBeLessThan(MiB);
      return r;
    },
    body: 'json',
    status: 400,
    code: 'bad-addresses',
  },
  { name: 'request-verify: 300,000 addresses (over the body limit)', req: () => rv(daveToken, Array.from({ length: 300_000 }, (_, i) => `${i}@x.io`)), body: 'json', status: 413 },
  { name: 'manage: email is a list', req: () => rawJson('/api/v1/manage', JSON.stringify({ email: ['alice@example.org'] })), body: 'json', status: 400 },
  { name: 'manage: email is an object', req: () => rawJson('/api/v1/manage', JSON.stringify({ email: { $gt: '' } })), body: 'json', status: 400 },
  { name: 'manage: an array of objects', req: () => rawJson('/api/v1/manage', JSON.stringify([{ email: 'alice@example.org' }])), body: 'json', status: 400 },
]);

// --- tiles and consistency proofs --------------------------------------------------------------------------
const tilePaths = [
  '/log/tile/0/000', // no full tile yet: the log is small
  '/log/tile/0/000.p/0',
  '/log/tile/0/000.p/257',
  '/log/tile/0/000.p/-1',
  '/log/tile/0/000.p/abc',
  '/log/tile/0/000.p/3/extra',
  '/log/tile/0/000.p/200', // wider than the log
  '/log/tile/8/000.p/1',
  '/log/tile/-1/000',
  '/log/tile/0/1000',
  '/log/tile/0/00',
  '/log/tile/0/x000/001',
  '/log/tile/0/x999/x999/x999/x999/x999/x999/999',
  '/log/tile/entries/000.p/999',
  '/log/tile/entries/x001/000.p/1',
  '/log/tile/',
  '/log/tile/00/000.p/1',
];
add(
  'bad tile paths',
  tilePaths.map((path) => ({ name: path, req: () => ({ path }), body: 'text' as Body, status: 404 })),
);
const consistency = [
  'old=-1&new=1',
  'old=abc&new=1',
  'old=0&new=1e3',
  'old=2&new=1',
  'old=0&new=99999999999999999999',
  'old=0&new=1000000',
  'old=&new=1',
  'old=01&new=2',
  'old=0',
  'old=0x1&new=2',
  'old=1.5&new=2',
  'old=0&new=%20%31',
];
add(
  'bad consistency sizes',
  consistency.map((q) => ({ name: `/api/v1/proof/consistency?${q}`, req: () => ({ path: `/api/v1/proof/consistency?${q}` }), body: 'json' as Body, status: 400 })),
);

// --- path traversal ---------------------------------------------------------------------------------------
add('path traversal', [
  { name: 'tile path with ..%2F', req: () => ({ path: '/log/tile/..%2F..%2F..%2Fetc%2Fpasswd' }), body: 'text', status: 404 },
  { name: 'tile entries with encoded dots (resolved as dot segments)', req: () => ({ path: '/log/tile/entries/%2e%2e/%2e%2e/etc/passwd' }), body: 'json', status: 404 },
  { name: 'raw ../ segments', req: () => ({ path: '/log/tile/../../../../etc/passwd' }), body: 'json', status: 404 },
  { name: 'WKD domain with ..%2F', req: () => ({ path: '/.well-known/openpgpkey/..%2F..%2Fetc/hu/ybndrfg8ejkmcpqxot1uwisza345h769?l=x' }), body: 'text', status: 404 },
  { name: 'VKS by-email with ../', req: () => ({ path: '/vks/v1/by-email/..%2F..%2Fetc%2Fpasswd' }), body: 'json', status: 400 },
  { name: 'VKS by-fingerprint with ../', req: () => ({ path: '/vks/v1/by-fingerprint/..%2F..%2F..%2Fetc%2Fpasswd' }), body: 'json', status: 400 },
  { name: 'verify token with ../api', req: () => ({ path: '/verify/..%2F..%2Fapi%2Fv1%2Fpolicy', headers: { accept: 'application/json' } }), body: 'json', status: 404 },
  { name: 'double slash root', req: () => ({ path: '//etc/passwd' }), body: 'json', status: 404 },
  { name: 'encoded dot segments at the root', req: () => ({ path: '/%2e%2e/%2e%2e/etc/passwd' }), body: 'json', status: 404 },
  { name: 'encoded backslashes in a tile path', req: () => ({ path: '/log/tile/..%5C..%5Cetc%5Cpasswd' }), body: 'text', status: 404 },
  { name: 'encoded backslashes in a WKD domain', req: () => ({ path: `/.well-known/openpgpkey/..%5Cexample.org/hu/${wkdHash('alice')}?l=alice` }), body: 'text', status: 404 },
]);

// --- WKD ----------------------------------------------------------------------------------------------------
add('WKD', [
  { name: 'hash too short', req: () => ({ path: '/.well-known/openpgpkey/example.org/hu/ybndrfg8?l=alice' }), body: 'text', status: 404 },
  { name: 'hash with characters outside z-base-32', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${'0lv2'.repeat(8)}?l=alice` }), body: 'text', status: 404 },
  { name: 'hash in upper case', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('alice').toUpperCase()}?l=alice` }), body: 'text', status: 404 },
  { name: 'hash that does not match l=', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('bob')}?l=alice` }), body: 'text', status: 404 },
  { name: 'hash without l=', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('alice')}` }), body: 'text', status: 404 },
  { name: 'unknown domain, advanced method', req: () => ({ path: `/.well-known/openpgpkey/evil.example/hu/${wkdHash('alice')}?l=alice` }), body: 'text', status: 404 },
  { name: 'unknown domain, direct method (Host header)', req: () => ({ path: `/.well-known/openpgpkey/hu/${wkdHash('alice')}?l=alice`, headers: { host: 'evil.example' } }), body: 'text', status: 404 },
  { name: 'policy of an unknown domain', req: () => ({ path: '/.well-known/openpgpkey/evil.example/policy' }), body: 'text', status: 404 },
  { name: 'direct method with a look-alike Host header', req: () => ({ path: `/.well-known/openpgpkey/hu/${wkdHash('alice')}?l=alice`, headers: { host: 'example.org.evil.example:443' } }), body: 'text', status: 404 },
  { name: 'direct policy with an unknown Host header', req: () => ({ path: '/.well-known/openpgpkey/policy', headers: { host: 'evil.example' } }), body: 'text', status: 404 },
  { name: 'l= of 10 KB with its matching hash', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('a'.repeat(10_000))}?l=${'a'.repeat(10_000)}` }), body: 'text', status: 404 },
  { name: 'l= with CR LF and its matching hash', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('alice\r\nx')}?l=alice%0d%0ax` }), body: 'text', status: 404 },
  { name: 'l= with an @ (another domain smuggled in)', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('carol@example.net')}?l=${enc('carol@example.net')}` }), body: 'text', status: 404 },
  { name: 'the right hash of an address that is not bound', req: () => ({ path: `/.well-known/openpgpkey/example.org/hu/${wkdHash('nobody')}?l=nobody` }), body: 'text', status: 404 },
  { name: 'a bound address under a domain that is not served', req: () => ({ path: `/.well-known/openpgpkey/example.net/hu/${wkdHash('carol')}?l=carol` }), body: 'text', status: 404 },
]);

// ---------------------------------------------------------------------------------------
// Running the corpus.

const STACK = /\n\s+at |node_modules|\.ts:\d+|\bTypeError\b|\bRangeError\b|\bURIError\b/;

function checkBody(c: Case, res: Res): void {
  const type = String(res.headers['content-type'] ?? '');
  expect(res.text, 'no stack trace or internals in the body').not.toMatch(STACK);
  if (c.body === 'json') {
    expect(type).toMatch(/^application\/json/);
    const j = JSON.parse(res.text) as { error?: unknown; code?: unknown };
    expect(typeof j.error).toBe('string');
    expect((j.error as string).length).toBeGreaterThan(5);
    expect(typeof j.code).toBe('string');
    expect(j.code).toMatch(/^[a-z][a-z0-9-]*$/);
    if (c.code) expect(j.code).toBe(c.code);
  } else if (c.body === 'text') {
    expect(type).toMatch(/^text\/plain/);
    expect(res.text.trim().length).toBeGreaterThan(5);
    expect(res.text.trimStart().startsWith('{')).toBe(false);
    if (c.code) expect(res.text).toContain(c.code);
  } else {
    expect(type).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<h1>/);
  }
}

describe('the corpus', () => {
  test('is large enough and covers every category', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const counts: Record<string, number> = {};
    for (const c of CASES) counts[c.category] = (counts[c.category] ?? 0) + 1;
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(15);
  });

  test.each(CASES.map((c) => [`${c.category}: ${c.name}`, c] as const))('%s', async (_label, c) => {
    const req = await c.req();
    const before = await snapshot();
    const tokensBefore = await uploadTokenCount();
    const res = await send(svc.url, req);
    expect(res.status, `status for ${c.name}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `status for ${c.name}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
    if (c.status !== undefined) expect([c.status].flat()).toContain(res.status);
    checkBody(c, res);
    if (c.secret) {
      const s = c.secret();
      secrets.push({ name: c.name, needles: secretNeedles(s.key, s.binary), binary: s.binary });
    }
    // The server is still up and serves the same checkpoint; nothing stored changed.
    const cp = await send(svc.url, { path: '/log/checkpoint' });
    expect(cp.status).toBe(200);
    expect(cp.text).toBe(checkpointBefore);
    expect(await snapshot()).toEqual(before);
    expect(await uploadTokenCount()).toBe(tokensBefore);
    expect(logs.filter((l) => /unexpected error|sequencer error/.test(l))).toEqual([]);
  });
});

describe('afterwards', () => {
  test('a flood of third-party certifications on a bound key is stripped: the upload is accepted but nothing stored changes', async () => {
    expect(await uploadTokenCount()).toBe(uploadTokensBefore);
    const flood = flooded(alice, (i) => forgedSignature(randomBytes(8), 0x10, nowSeconds() - 1000 - i, i), 4000);
    const res = await send(svc.url, vksUpload(b64(flood)));
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).status).toEqual({ 'alice@example.org': 'published' });
    expect(await snapshot()).toEqual(snapshotBefore);
    expect(await uploadTokenCount()).toBe(uploadTokensBefore + 1);
    const served = await send(svc.url, { path: `/vks/v1/by-fingerprint/${alice.privateKey.getFingerprint().toUpperCase()}` });
    const key = await openpgp.readKey({ armoredKey: served.text });
    expect(key.users.flatMap((u) => u.otherCertifications)).toEqual([]);
  });

  test('the hand-made certificates would be accepted if they were not hostile (the corpus can fail)', async () => {
    const clean = await loadCertificate(await selfSigned(['Mallory <mallory@example.org>']));
    expect(clean.addresses).toEqual(['mallory@example.org']);
    const withNul = await loadCertificate(await selfSigned(['Mallory\u0000 <mallory@example.org>', 'Mallory <mallory@example.org>']));
    expect(withNul.addresses).toEqual(['mallory@example.org']);
    expect(withNul.userIds).toHaveLength(1);
    // The armor with the checksum line this test computes is accepted; only the flipped one is not.
    expect((await loadCertificate(withCrcLine(bob.armored))).fingerprint).toBe(bob.privateKey.getFingerprint().toUpperCase());
    await expect(loadCertificate(withCrc(withCrcLine(bob.armored), flipCrc(crcOf(withCrcLine(bob.armored)))))).rejects.toMatchObject({ code: 'unreadable' });
  });

  test('the lookups made before the corpus are unchanged and still verify', async () => {
    expect(await snapshot()).toEqual(snapshotBefore);
    expect(bound).toHaveLength(3);
    for (const b of bound) {
      const now = await lookup(b.address);
      expect(now).toEqual(b.lookup);
      const v = verifyLookup(now, policy, b.address);
      const key = await openpgp.readKey({ binaryKey: v.certificate });
      expect(key.getFingerprint().toUpperCase()).toBe(b.fingerprint);
      verifyLookup(b.lookup, parsePolicy((await send(svc.url, { path: '/api/v1/policy' })).text), b.address);
    }
    expect((await send(svc.url, { path: '/log/checkpoint' })).text).toBe(checkpointBefore);
  });

  test('no secret key was stored anywhere, mailed or logged', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(14);
    const tables = await svc.db.sql`SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`;
    expect(tables.length).toBeGreaterThan(10);
    let dump = '';
    for (const t of tables) {
      const rows = await svc.db.sql.unsafe(`SELECT x::text AS r FROM "${t.table_schema}"."${t.table_name}" x`);
      for (const r of rows) dump += r.r + '\n';
    }
    // The dump is a real one: the bound certificates' bytes are in it, in hex.
    expect(dump).toContain(hex(alice.binary.subarray(10, 40)));
    const mails = svc.smtp.received.map((m) => m.raw.toString('latin1')).join('\n');
    const logged = [...logs, ...consoleOut].join('\n');
    for (const { name, needles, binary } of secrets) {
      // The search would find the secret if it were there: its packet tails are in its own bytes.
      expect(needles.some((n) => hex(binary).includes(hex(n)) && needleForms(n).slice(1).some((f) => b64(binary).includes(f)))).toBe(true);
      for (const needle of needles)
        for (const form of needleForms(needle)) {
          expect(dump.includes(form), `${name}: secret bytes found in the database`).toBe(false);
          expect(mails.includes(form), `${name}: secret bytes found in a mail`).toBe(false);
          expect(logged.includes(form), `${name}: secret bytes found in the log`).toBe(false);
        }
    }
    // Nothing in the directory even names the secret keys.
    for (const s of Object.values(secretKeys)) {
      const fpr = s.key.getFingerprint().toUpperCase();
      const [row] = await svc.db.sql`SELECT count(*)::int AS n FROM certificate_keys WHERE primary_fingerprint = ${fpr} OR fingerprint = ${fpr}`;
      expect(row.n).toBe(0);
    }
  });

  test('nothing unexpected was logged', () => {
    expect(logs.filter((l) => /unexpected error|sequencer error/.test(l))).toEqual([]);
    expect(consoleOut.filter((l) => /unexpected error|Error:/.test(l))).toEqual([]);
  });
});
