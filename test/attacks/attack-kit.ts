// Test aid for the attack scenarios (test/attacks): the honest ways in (upload, mailed link,
// confirm), what a client sees (policy, lookup, served checkpoint), real witnesses with a
// witnesses file, a webhook sink, temp directories, and waiting for something to become true.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { base64Encode, formatVkey, parseCheckpoint, parseNote, parsePolicy, type LookupResponse, type Policy } from '@glasskey/verifier';
import { generateSigner } from '../../log/note-signer.ts';
import { vrfKeygen } from '../../log/vrf.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import type { TestService } from '../helpers/service.ts';
import { startTestWitness, type TestWitness } from '../witness/witness-fixture.ts';

export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000, stepMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Temp directories, removed by cleanup(). */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    make(prefix = 'glasskey-attack-'): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/**
 * The honest way in: upload a new key for `email` (VKS), ask for verification, follow the
 * mailed link (POST), and return the log index the confirmation names. `seen`: mails to this
 * address the service already sent.
 */
export async function bindByMail(svc: TestService, email: string, seen = 0): Promise<{ key: TestKey; index: number }> {
  const key = await makeKey([{ name: 'Owner', email }]);
  const up = await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: key.armored }) });
  expect(up.status).toBe(200);
  const { token } = (await up.json()) as { token: string };
  const rv = await fetch(`${svc.url}/vks/v1/request-verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, addresses: [email] }),
  });
  expect(rv.status).toBe(200);
  const res = await fetch(await svc.linkFor(email, seen), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  const done = (await res.json()) as { index: number; fingerprint: string };
  expect(done.fingerprint).toBe(key.fingerprint);
  expect(typeof done.index).toBe('number');
  return { key, index: done.index };
}

export async function servedPolicy(url: string): Promise<{ text: string; policy: Policy }> {
  const res = await fetch(`${url}/api/v1/policy`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, policy: parsePolicy(text) };
}

/** The JSON lookup response, or undefined while the address is not served (404). */
export async function lookup(url: string, email: string): Promise<LookupResponse | undefined> {
  const res = await fetch(`${url}/api/v1/lookup?email=${encodeURIComponent(email)}`);
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return (await res.json()) as LookupResponse;
}

/** Waits until the lookup for `email` is proven in a served checkpoint that includes `index`. */
export async function lookupIncluding(url: string, email: string, index: number, ms = 20_000): Promise<LookupResponse> {
  return until(`${email} served with entry ${index}`, async () => {
    const r = await lookup(url, email);
    if (!r) return undefined;
    return r.proof.includes(`\nindex ${index}\n`) ? r : undefined;
  }, ms);
}

/** The checkpoint the directory serves at /log/checkpoint (size, and the whole note). */
export async function servedCheckpoint(url: string): Promise<{ size: number; root: Uint8Array; note: string } | undefined> {
  const res = await fetch(`${url}/log/checkpoint`);
  if (res.status !== 200) return undefined;
  const note = await res.text();
  const cp = parseCheckpoint(parseNote(note).text);
  return { size: cp.size, root: cp.root, note };
}

/**
 * The environment that makes directory instances one log as far as any client can tell: the
 * same origin, log signing key and VRF key (what an operator running forks would give each).
 */
export function sameLogKeys(origin: string) {
  const logKey = generateSigner(origin);
  return {
    logKey,
    env: { GLASSKEY_ORIGIN: origin, GLASSKEY_LOG_KEY: logKey.privateKey, GLASSKEY_VRF_KEY: base64Encode(vrfKeygen().secretKey) },
  };
}

/** Two served policies name the same log key and VRF key. */
export function expectSameLog(p1: Policy, p2: Policy): void {
  expect(formatVkey(p2.log.verifier)).toBe(formatVkey(p1.log.verifier));
  expect(base64Encode(p2.vrf!)).toBe(base64Encode(p1.vrf!));
}

export interface Witnesses {
  list: TestWitness[];
  /** A GLASSKEY_WITNESSES_FILE naming every witness, with quorum `all` of them. */
  file: string;
  close(): Promise<void>;
}

/** Starts `n` real witnesses for the log key `logVkey` and writes the directory's witnesses file. */
export async function startWitnesses(logVkey: string, n: number, dir: string): Promise<Witnesses> {
  const list = await Promise.all(Array.from({ length: n }, (_, i) => startTestWitness([`log ${logVkey}`], { name: `w${i + 1}.attack.test/witness` })));
  const file = join(dir, 'witnesses');
  writeFileSync(
    file,
    [...list.map((w, i) => `witness w${i + 1} ${w.vkey} ${w.url}`), `group all-witnesses all ${list.map((_, i) => `w${i + 1}`).join(' ')}`, 'quorum all-witnesses', ''].join('\n'),
  );
  return {
    list,
    file,
    async close() {
      for (const w of list) await w.close();
    },
  };
}

export interface WebhookSink {
  url: string;
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A tiny HTTP server that records each JSON body POSTed to it (an owner's alert webhook). */
export async function webhookSink(): Promise<WebhookSink> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      try {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
