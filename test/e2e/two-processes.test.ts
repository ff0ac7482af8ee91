// Two server processes on one PostgreSQL, as behind a load balancer: both started from the
// command line (server/main.ts) with the same DATABASE_URL, origin and keys, different ports
// and data directories, mail to one real SMTP sink. Many keys are uploaded through both and
// their links confirmed alternately through both at the same time, while both also serve
// lookups. Then: one log with contiguous indices and no duplicate (tiles, entries and the
// database agree), both serve the same checkpoint, every lookup verifies on both. SIGTERM
// stops each within a few seconds with exit status 0, finishing a request in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  base64Encode,
  decodeEntry,
  leafHash,
  nodeHash,
  openCheckpoint,
  parsePolicy,
  verifyLookup,
  type LookupResponse,
  type Policy,
} from '@glasskey/verifier';
import { generateSigner } from '../../log/note-signer.ts';
import { vrfKeygen } from '../../log/vrf.ts';
import { freePort } from '../../server/db/free-port.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Each process is `tsx server/main.ts` (what `npx tsx` and `npm start` run), spawned from
// node_modules directly: npx itself does not pass SIGTERM on to its child (it dies with 143
// and leaves the server running), and the test is about how the server stops.
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const ORIGIN = 'two.glasskey.test/log';
const KEYS = 24;

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  dataDir: string;
  out: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

let db: TestDatabase;
let smtp: SmtpSink;
let a: Proc;
let b: Proc;
let policy: Policy;
const people: { address: string; key: TestKey; index?: number }[] = [];

async function startProcess(name: string, env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `glasskey-${name}-`));
  const child = spawn(TSX, ['server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', GLASSKEY_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!out.join('').includes(`glasskey: listening on ${url}`)) {
    if (child.exitCode !== null) throw new Error(`${name} exited early (${child.exitCode}):\n${out.join('')}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start within 60 s:\n${out.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name, child, url, dataDir, out, exit };
}

async function http(url: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

async function postJson(url: string, body: unknown) {
  const res = await http(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: JSON.parse(res.text) };
}

/** RFC 6962 Merkle tree hash of a list of entries. */
function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leafHash(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** The entries of bundle 0 (a partial one: the log is smaller than 256). */
async function entriesFrom(p: Proc, size: number): Promise<Uint8Array[]> {
  const res = await fetch(`${p.url}/log/tile/entries/000.p/${size}`);
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const entries: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = (bytes[at] << 8) | bytes[at + 1];
    entries.push(bytes.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return entries;
}

function unexpectedErrors(p: Proc): string[] {
  return p.out.join('').split('\n').filter((l) => /unexpected error|sequencer error|Error:/.test(l));
}

beforeAll(async () => {
  db = await freshDatabase({ migrate: false }); // the two processes migrate it, at the same time
  smtp = await startSmtpSink();
  const env = {
    DATABASE_URL: db.url,
    GLASSKEY_ORIGIN: ORIGIN,
    // Behind one load balancer: one public URL (the policy names it, the mails link to it).
    GLASSKEY_PUBLIC_URL: 'https://keys.two.example',
    GLASSKEY_LOG_KEY: generateSigner(ORIGIN).privateKey,
    GLASSKEY_VRF_KEY: base64Encode(vrfKeygen().secretKey),
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    GLASSKEY_MAIL_FROM: 'glasskey <noreply@two.glasskey.test>',
    GLASSKEY_RATE_UPLOAD_PER_IP: '10000/1m',
    GLASSKEY_RATE_VERIFY_MAIL_PER_IP: '10000/1h',
  };
  [a, b] = await Promise.all([startProcess('a', env), startProcess('b', env)]);
  for (let i = 0; i < KEYS; i++) people.push({ address: `user${i}@two.example`, key: await makeKey([{ name: `User ${i}`, email: `user${i}@two.example` }]) });
}, 180_000);

afterAll(async () => {
  for (const p of [a, b]) {
    if (p && p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exit;
    }
    if (p) rmSync(p.dataDir, { recursive: true, force: true });
  }
  await smtp?.close();
  await db?.close();
});

describe('two processes on one PostgreSQL', () => {
  test('both started on the same keys and publish the same policy', async () => {
    const [pa, pb] = await Promise.all([http(`${a.url}/api/v1/policy`), http(`${b.url}/api/v1/policy`)]);
    expect(pa.status).toBe(200);
    expect(pa.text).toBe(pb.text);
    policy = parsePolicy(pa.text);
    for (const p of [a, b]) expect(p.out.join('')).toContain('keys from    log: $GLASSKEY_LOG_KEY; VRF: $GLASSKEY_VRF_KEY');
  });

  test('uploads through both, then confirmations alternately through both at the same time, while both serve lookups', async () => {
    // Upload and request verification: even keys through a, odd through b, all at once;
    // each request-verify goes to the other process than the upload (the token is shared).
    await Promise.all(
      people.map(async (p, i) => {
        const [up, other] = i % 2 === 0 ? [a, b] : [b, a];
        const res = await postJson(`${up.url}/vks/v1/upload`, { keytext: p.key.armored });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const rv = await postJson(`${other.url}/vks/v1/request-verify`, { token: res.body.token, addresses: [p.address] });
        expect(rv.status, JSON.stringify(rv.body)).toBe(200);
        expect(rv.body.status[p.address]).toBe('pending');
      }),
    );
    await smtp.until(() => people.every((p) => smtp.received.some((m) => m.rcptTo.includes(p.address))), 30_000);
    const links = people.map((p) => {
      const mails = smtp.received.filter((m) => m.rcptTo.includes(p.address));
      expect(mails).toHaveLength(1); // one mail per address, whichever process's worker sent it
      const m = /https:\/\/keys\.two\.example(\/verify\/[A-Za-z0-9_-]{22})/.exec(mails[0].parsed.text ?? '');
      expect(m, mails[0].parsed.text).not.toBeNull();
      return m![1];
    });

    // Readers on both processes for the whole time the confirmations run.
    let confirming = true;
    const readerStatuses: number[] = [];
    const readerErrors: string[] = [];
    const reader = async (p: Proc) => {
      let i = 0;
      while (confirming) {
        const who = people[i++ % people.length];
        try {
          const [l, cp] = await Promise.all([http(`${p.url}/api/v1/lookup?email=${who.address}`), http(`${p.url}/log/checkpoint`)]);
          readerStatuses.push(l.status, cp.status);
          if (l.status === 200) verifyLookup(JSON.parse(l.text) as LookupResponse, policy, who.address);
          openCheckpoint(cp.text, policy);
        } catch (err) {
          readerErrors.push(`${p.name}: ${String(err)}`);
        }
      }
    };
    const readers = [reader(a), reader(b), reader(a), reader(b)];

    const results = await Promise.all(
      links.map(async (path, i) => {
        const via = i % 2 === 0 ? b : a; // the other process than the upload, alternating
        const res = await postJson(`${via.url}${path}`, {});
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ action: 'bind', address: people[i].address, version: 1 });
        people[i].index = res.body.index;
        return res.body.index as number;
      }),
    );
    confirming = false;
    await Promise.all(readers);
    expect(readerStatuses.length).toBeGreaterThan(8);
    expect(readerStatuses.filter((s) => s !== 200 && s !== 404)).toEqual([]);
    expect(readerErrors).toEqual([]);

    // Every confirmation got its own index, and together they are exactly 0..KEYS-1.
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: KEYS }, (_, i) => i));
    // Each link works once, on either process.
    const again = await Promise.all([postJson(`${a.url}${links[0]}`, {}), postJson(`${b.url}${links[1]}`, {})]);
    expect(again.map((r) => r.status)).toEqual([410, 410]);
  });

  test('one log: both serve the same checkpoint; tiles, entry bundles and the database agree, contiguous and without duplicates', async () => {
    let notes: string[] = [];
    for (let i = 0; i < 100; i++) {
      notes = await Promise.all([a, b].map(async (p) => (await http(`${p.url}/log/checkpoint`)).text));
      if (notes[0] === notes[1] && openCheckpoint(notes[0], policy).size === KEYS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(notes[1]).toBe(notes[0]);
    const cp = openCheckpoint(notes[0], policy);
    expect(cp.origin).toBe(ORIGIN);
    expect(cp.size).toBe(KEYS);

    const [ea, eb] = await Promise.all([entriesFrom(a, KEYS), entriesFrom(b, KEYS)]);
    expect(ea).toHaveLength(KEYS);
    expect(eb.map((e) => Buffer.from(e).toString('hex'))).toEqual(ea.map((e) => Buffer.from(e).toString('hex')));
    expect(merkleRoot(ea)).toEqual(cp.root);
    // One bind entry per address: no entry twice, no identity twice.
    const identities = new Set(ea.map((e) => Buffer.from(decodeEntry(e).identity).toString('hex')));
    expect(identities.size).toBe(KEYS);
    expect(new Set(ea.map((e) => Buffer.from(e).toString('hex'))).size).toBe(KEYS);
    for (const e of ea) expect(decodeEntry(e)).toMatchObject({ action: 'bind', version: 1 });
    // The level-0 hash tile from both processes matches the entries.
    const tiles = await Promise.all([a, b].map(async (p) => new Uint8Array(await (await fetch(`${p.url}/log/tile/0/000.p/${KEYS}`)).arrayBuffer())));
    expect(tiles[1]).toEqual(tiles[0]);
    expect(tiles[0].length).toBe(32 * KEYS);
    ea.forEach((e, i) => expect(tiles[0].subarray(32 * i, 32 * (i + 1))).toEqual(leafHash(e)));

    // The database: batches contiguous from 0, every entry's index distinct and in range.
    const batches = await db.sql`SELECT first_index::int AS first, size::int AS size FROM log_batches ORDER BY first_index`;
    let next = 0;
    for (const row of batches) {
      expect(row.first).toBe(next);
      next = row.size;
    }
    expect(next).toBe(KEYS);
    const indices = await db.sql`SELECT log_index::int AS i FROM address_entries ORDER BY log_index`;
    expect(indices.map((r) => r.i)).toEqual(Array.from({ length: KEYS }, (_, i) => i));
    const [pending] = await db.sql`SELECT count(*)::int AS n FROM log_pending`;
    expect(pending.n).toBe(0);
  });

  test('every lookup verifies on both processes, at the index its confirmation reported', async () => {
    for (const p of people)
      for (const proc of [a, b]) {
        const res = await http(`${proc.url}/api/v1/lookup?email=${p.address}`);
        expect(res.status).toBe(200);
        const v = verifyLookup(JSON.parse(res.text) as LookupResponse, policy, p.address);
        expect(v.index).toBe(p.index);
        expect(v.checkpoint.size).toBe(KEYS);
      }
  });

  test('SIGTERM stops both within a few seconds with exit status 0, finishing a request in flight', async () => {
    // A request the server has begun reading when SIGTERM arrives: an upload whose body is
    // sent in two halves, the second after the signal.
    const late = await makeKey([{ email: 'late@two.example' }]);
    const body = Buffer.from(JSON.stringify({ keytext: late.armored }));
    const port = Number(new URL(a.url).port);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const response = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    socket.write(
      `POST /vks/v1/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.subarray(0, body.length >> 1));
    await new Promise((r) => setTimeout(r, 200));

    const sentAt = Date.now();
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.subarray(body.length >> 1)); // not end(): Node's HTTP server drops half-closed clients
    const answer = await response;
    expect(answer, a.out.join('')).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain(`"key_fpr":"${late.fingerprint}"`);

    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    for (const [p, e] of [[a, ea], [b, eb]] as const) {
      expect(e, p.out.join('')).toMatchObject({ code: 0, signal: null });
      expect(e.at - sentAt).toBeLessThan(10_000);
      expect(p.out.join('')).toContain('glasskey: stopped');
      expect(unexpectedErrors(p)).toEqual([]);
    }
    // The upload that was in flight was stored.
    const [row] = await db.sql`SELECT count(*)::int AS n FROM certificates WHERE fingerprint = ${late.fingerprint}`;
    expect(row.n).toBe(1);
  });
});
