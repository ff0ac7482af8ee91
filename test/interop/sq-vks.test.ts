// Sequoia's sq (0.27) against the running directory, end to end with real processes: sq
// makes its own keys (cv25519: EdDSA + ECDH, v4), certifies one user ID with another key,
// `sq keyserver send` uploads it, the server mails a link to each address, the test confirms
// one, and `sq keyserver get` by address, fingerprint, key ID and subkey fingerprint returns
// exactly the verified user ID with no third-party certification (checked with sq inspect).
// A second sq key goes through the VKS API (upload, request-verify, by-email,
// by-fingerprint, by-keyid), and a v6 key made with openpgp.js is served over VKS.
//
// What sq 0.27 cannot do against a local plain-HTTP server, and what is tested instead:
// - sq 0.27's network client (sequoia-net 0.25) speaks HKP only (pks/lookup, pks/add), never
//   the VKS API, so `sq keyserver` is used over HKP, with `--policy insecure` (the default
//   policy "encrypted" refuses hkp:// with "Unmet network policy requirement: Insecure");
//   the VKS endpoints are requested over HTTP and what they return is read by sq inspect.
// - `sq wkd get` builds https:// URLs from the mail domain (https://openpgpkey.<domain>/...
//   and https://<domain>/...), so it cannot reach 127.0.0.1 over HTTP; the paths it would ask
//   for (`sq wkd url`, `sq wkd direct-url`) and the directory `sq wkd generate` lays out are
//   compared with what the server serves.
// - sq 0.27 (sequoia-openpgp 1.12) cannot parse v6 keys ("Unsupported Cert: Unsupported
//   primary key"); for the v6 key sq checks the packet framing (sq packet dump) and openpgp.js
//   reads the key itself.
//
// Skipped, with that reason, only when sq is not installed (CI installs it in .ci/run; with
// CI set in the environment a missing sq fails instead).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { expectSuccess, findExecutable, parseSqInspect, run, sqStderr, type InspectedCert, type RunResult } from './clients.ts';

const SQ = findExecutable('sq');
const missing = SQ ? null : 'sq is not installed (not found on PATH); .ci/run installs it (Debian package sq)';
if (missing) console.warn(`test/interop/sq-vks.test.ts skipped: ${missing}`);

test.runIf(missing !== null && !!process.env.CI)('sq must be installed in CI', () => {
  throw new Error(missing ?? '');
});

const CAROL = 'Carol <carol@example.org>';
const CAROL_WORK = 'Carol Work <carol.work@example.org>';
const DAVE = 'Dave <dave@example.net>';
const FRANK = 'Frank <frank@example.org>';

describe.skipIf(missing !== null)(missing ? `sq over HKP and VKS (skipped: ${missing})` : 'sq over HKP and VKS', () => {
  let svc: TestService;
  let dir: string;
  let hkpUrl: string;
  let keyserver: string[];
  let carol: InspectedCert; // as sq inspects the certificate it made, certification included
  let dave: InspectedCert;

  const sq = (args: string[], input?: string | Uint8Array): Promise<RunResult> => run(SQ!, args, { cwd: dir, input });
  const sqOk = async (args: string[], input?: string | Uint8Array) => expectSuccess(await sq(args, input), `sq ${args.join(' ')}`);
  const inspect = async (data: string | Uint8Array) => parseSqInspect((await sqOk(['inspect', '--certifications'], data)).stdout);

  async function confirm(link: string) {
    const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    return (await res.json()) as { action: string; address: string; fingerprint: string; index: number };
  }

  async function post(path: string, body: unknown) {
    return fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Upload over VKS, ask for one address, follow the mailed link. */
  async function publishOverVks(armored: string, address: string, fingerprint: string) {
    const up = await post('/vks/v1/upload', { keytext: armored });
    expect(up.status).toBe(200);
    const body = (await up.json()) as { key_fpr: string; token: string; status: Record<string, string> };
    expect(body.key_fpr).toBe(fingerprint);
    expect(body.status[address]).toBe('unpublished');
    const rv = await post('/vks/v1/request-verify', { token: body.token, addresses: [address] });
    expect(rv.status).toBe(200);
    expect(((await rv.json()) as { status: Record<string, string> }).status[address]).toBe('pending');
    expect(await confirm(await svc.linkFor(address))).toMatchObject({ action: 'bind', address, fingerprint });
  }

  async function vks(path: string): Promise<string> {
    const res = await fetch(`${svc.url}/vks/v1/${path}`);
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-type'), path).toMatch(/^application\/pgp-keys/);
    return res.text();
  }

  beforeAll(async () => {
    svc = await startTestService();
    hkpUrl = `hkp://127.0.0.1:${new URL(svc.url).port}`;
    keyserver = ['keyserver', '--policy', 'insecure', '--server', hkpUrl];
    dir = mkdtempSync(join(tmpdir(), 'gk-sq-'));
  });

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('sq keyserver (HKP)', () => {
    test('sq makes the keys; Dave certifies one of Carol\'s user IDs', async () => {
      await sqOk(['key', 'generate', '--userid', CAROL, '--userid', CAROL_WORK, '--export', 'carol.key']);
      await sqOk(['key', 'extract-cert', '--output', 'carol.cert', 'carol.key']);
      await sqOk(['key', 'generate', '--userid', DAVE, '--export', 'dave.key']);
      [dave] = await inspect(readFileSync(join(dir, 'dave.key')));
      await sqOk(['certify', '--output', 'carol-certified.cert', 'dave.key', 'carol.cert', CAROL]);
      const certs = await inspect(readFileSync(join(dir, 'carol-certified.cert')));
      expect(certs).toHaveLength(1);
      carol = certs[0];
      expect(carol.fingerprint).toMatch(/^[0-9A-F]{40}$/);
      expect(carol.subkeys.length).toBeGreaterThanOrEqual(1);
      expect(carol.userIds.sort()).toEqual([CAROL, CAROL_WORK].sort());
      expect(carol.certifiers).toEqual([dave.fingerprint]); // the control: sq inspect shows certifications
    });

    test('the default network policy refuses plain hkp://; --policy insecure is needed for a local server', async () => {
      const r = await sq(['keyserver', '--server', hkpUrl, 'get', carol.fingerprint]);
      expect(r.code).not.toBe(0);
      expect(sqStderr(r)).toMatch(/network policy/i);
    });

    test('sq keyserver send uploads over HKP; a link is mailed to each address; nothing is served before confirming', async () => {
      const r = await sqOk([...keyserver, 'send', 'carol-certified.cert']);
      expect(sqStderr(r)).toBe('');
      for (const address of ['carol@example.org', 'carol.work@example.org']) {
        await svc.linkFor(address);
        expect((svc.mailsTo(address)[0].parsed.text ?? '').replace(/\s+/g, '')).toContain(carol.fingerprint);
      }
      const early = await sq([...keyserver, 'get', 'carol@example.org']);
      expect(early.code).not.toBe(0);
      expect(sqStderr(early)).toMatch(/not found/i);
    });

    test('after confirming one address, sq keyserver get by address returns only that user ID and no certification', async () => {
      expect(await confirm(await svc.linkFor('carol@example.org'))).toMatchObject({ address: 'carol@example.org', fingerprint: carol.fingerprint });
      const got = await sqOk([...keyserver, 'get', 'carol@example.org']);
      expect(got.stdout).toContain('BEGIN PGP PUBLIC KEY BLOCK');
      const certs = await inspect(got.stdout);
      expect(certs).toEqual([{ fingerprint: carol.fingerprint, subkeys: carol.subkeys, userIds: [CAROL], certifiers: [] }]);
    });

    test('sq keyserver get by fingerprint, key ID and subkey fingerprint: the same, with only the verified user ID', async () => {
      for (const q of [carol.fingerprint, carol.fingerprint.slice(-16), carol.subkeys[carol.subkeys.length - 1]]) {
        const certs = await inspect((await sqOk([...keyserver, 'get', q])).stdout);
        expect(certs, q).toEqual([{ fingerprint: carol.fingerprint, subkeys: carol.subkeys, userIds: [CAROL], certifiers: [] }]);
      }
    });

    test('the unverified address and an unknown one are not found', async () => {
      for (const q of ['carol.work@example.org', 'nobody@example.org']) {
        const r = await sq([...keyserver, 'get', q]);
        expect(r.code, q).not.toBe(0);
        expect(sqStderr(r), q).toMatch(/not found/i);
        expect(r.stdout, q).not.toContain('BEGIN PGP');
      }
    });
  });

  describe('VKS', () => {
    let frank: InspectedCert;
    let frankArmored: string;

    test('an sq key published over VKS: by-email, by-fingerprint and by-keyid, read by sq inspect', async () => {
      await sqOk(['key', 'generate', '--userid', FRANK, '--userid', '<frank.private@example.org>', '--export', 'frank.key']);
      frankArmored = (await sqOk(['key', 'extract-cert', 'frank.key'])).stdout;
      [frank] = await inspect(frankArmored);
      await publishOverVks(frankArmored, 'frank@example.org', frank.fingerprint);
      const expected = [{ fingerprint: frank.fingerprint, subkeys: frank.subkeys, userIds: [FRANK], certifiers: [] }];
      const byEmail = await vks('by-email/frank%40example.org');
      expect(await inspect(byEmail)).toEqual(expected);
      expect(await inspect(await vks(`by-fingerprint/${frank.fingerprint}`))).toEqual(expected);
      expect(await inspect(await vks(`by-keyid/${frank.fingerprint.slice(-16)}`))).toEqual(expected);
      // sq's HKP client gets the same certificate for the address (sq re-serializes what it got).
      expect(await inspect((await sqOk([...keyserver, 'get', 'frank@example.org'])).stdout)).toEqual(expected);
      expect((await fetch(`${svc.url}/vks/v1/by-email/frank.private%40example.org`)).status).toBe(404);
    });

    test('by-email decodes the address once: an encoded "%" is a "%", never a 5xx', async () => {
      // "%2540" is an encoded "%40": the address frank%40example.org (no "@"), not frank@example.org.
      const twice = await fetch(`${svc.url}/vks/v1/by-email/frank%2540example.org`);
      expect(twice.status).toBe(400);
      expect(await twice.text()).not.toContain('BEGIN PGP');
      for (const path of ['foo%25zz', '%25', 'frank%25@example.org']) {
        const res = await fetch(`${svc.url}/vks/v1/by-email/${path}`);
        expect([400, 404], path).toContain(res.status);
        expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      }
    });

    test('Carol (uploaded with sq keyserver send) is served over VKS with only the verified user ID', async () => {
      const expected = [{ fingerprint: carol.fingerprint, subkeys: carol.subkeys, userIds: [CAROL], certifiers: [] }];
      expect(await inspect(await vks('by-email/carol%40example.org'))).toEqual(expected);
      expect(await inspect(await vks(`by-fingerprint/${carol.fingerprint.toLowerCase()}`))).toEqual(expected);
      expect((await fetch(`${svc.url}/vks/v1/by-email/carol.work%40example.org`)).status).toBe(404);
    });

    describe('a v6 key (openpgp.js)', () => {
      let six: TestKey;
      const SIX = 'Six <six@example.org>';

      test('is published over VKS and served by email, fingerprint (64 hex) and key ID', async () => {
        six = await makeKey([{ name: 'Six', email: 'six@example.org' }], { type: 'curve25519', v6: true });
        expect(six.fingerprint).toMatch(/^[0-9A-F]{64}$/);
        await publishOverVks(six.armored, 'six@example.org', six.fingerprint);
        for (const path of ['by-email/six%40example.org', `by-fingerprint/${six.fingerprint}`, `by-keyid/${six.fingerprint.slice(0, 16)}`]) {
          const key = await openpgp.readKey({ armoredKey: await vks(path) });
          expect(key.keyPacket.version, path).toBe(6);
          expect(key.getFingerprint().toUpperCase(), path).toBe(six.fingerprint);
          expect(key.users.map((u) => u.userID?.userID), path).toEqual([SIX]);
          await key.verifyPrimaryKey(); // throws unless the self-signatures verify
        }
      });

      test('sq reads it as far as sq 0.27 can: packet framing, user ID, and (once sq supports v6) the certificate', async () => {
        const armored = await vks('by-email/six%40example.org');
        const dump = await sqOk(['packet', 'dump'], armored);
        const kinds = packetKinds(dump.stdout);
        expect(kinds[0]).toBe('Public-Key Packet');
        expect(kinds.filter((k) => k === 'Public-Key Packet')).toHaveLength(1);
        expect(kinds).toContain('User ID Packet');
        expect(kinds).toContain('Public-Subkey Packet');
        expect(kinds.filter((k) => k === 'Signature Packet').length).toBeGreaterThanOrEqual(2);
        expect(dump.stdout).toContain(`Value: ${SIX}`);
        expect(dump.stdout).not.toMatch(/Malformed packet: (?!unknown version)/); // only the version is foreign to sq 0.27
        const inspected = await sq(['inspect'], armored);
        if (inspected.code === 0) {
          expect(parseSqInspect(inspected.stdout).map((c) => [c.fingerprint, c.userIds])).toEqual([[six.fingerprint, [SIX]]]);
        } else {
          expect(sqStderr(inspected)).toMatch(/Unsupported/);
        }
      });
    });
  });

  describe('WKD paths as sq computes them', () => {
    function getWithHost(path: string, host: string): Promise<{ status: number; body: Buffer }> {
      const u = new URL(svc.url);
      return new Promise((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
    }

    test('the advanced and direct URLs sq prints serve the verified key (sq inspect); the unverified address 404s', async () => {
      const advanced = new URL((await sqOk(['wkd', 'url', 'carol@example.org'])).stdout.trim());
      const direct = new URL((await sqOk(['wkd', 'direct-url', 'carol@example.org'])).stdout.trim());
      expect(advanced.host).toBe('openpgpkey.example.org');
      expect(direct.host).toBe('example.org');
      const a = await fetch(`${svc.url}${advanced.pathname}${advanced.search}`);
      expect(a.status).toBe(200);
      expect(a.headers.get('content-type')).toBe('application/octet-stream');
      const bytes = Buffer.from(await a.arrayBuffer());
      expect(await inspect(bytes)).toEqual([{ fingerprint: carol.fingerprint, subkeys: carol.subkeys, userIds: [CAROL], certifiers: [] }]);
      const d = await getWithHost(`${direct.pathname}${direct.search}`, direct.host);
      expect(d.status).toBe(200);
      expect(d.body.equals(bytes)).toBe(true);

      const work = new URL((await sqOk(['wkd', 'url', 'carol.work@example.org'])).stdout.trim());
      expect((await fetch(`${svc.url}${work.pathname}${work.search}`)).status).toBe(404);
    });

    test('sq wkd generate lays out the same paths for the served certificate, and the server serves the same key there', async () => {
      const served = await vks('by-email/carol%40example.org');
      writeFileSync(join(dir, 'carol-served.asc'), served);
      for (const [root, direct] of [
        ['wkd-advanced', false],
        ['wkd-direct', true],
      ] as const) {
        await sqOk(['wkd', 'generate', ...(direct ? ['--direct-method'] : []), root, 'example.org', 'carol-served.asc']);
        const files = walk(join(dir, root)).map((f) => relative(join(dir, root), f));
        const keyFiles = files.filter((f) => /\/hu\//.test(f));
        expect(keyFiles, root).toHaveLength(1);
        const path = `/${keyFiles[0]}?l=carol`;
        const res = direct ? await getWithHost(path, 'example.org') : await fetchBytes(path);
        expect(res.status, path).toBe(200);
        const generated = readFileSync(join(dir, root, keyFiles[0]));
        // sq may serialize differently; the certificate it describes must be the same.
        expect(await inspect(res.body)).toEqual(await inspect(generated));
        const policy = files.find((f) => /policy$/.test(f));
        expect(policy, root).toBeDefined();
        const p = direct ? await getWithHost(`/${policy}`, 'example.org') : await fetchBytes(`/${policy}`);
        expect(p.status, policy).toBe(200);
      }
    });

    async function fetchBytes(path: string) {
      const res = await fetch(svc.url + path);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    }
  });
});

/** The packet types `sq packet dump` lists, in order ("Tag:" names packets sq cannot parse). */
function packetKinds(dump: string): string[] {
  const kinds: string[] = [];
  for (const block of dump.split(/\n(?=\S)/)) {
    const header = /^(.+?), (?:new|old) CTB/.exec(block);
    if (!header) continue;
    const tag = /^\s+Tag: (.+)$/m.exec(block);
    kinds.push(header[1].startsWith('Unknown or Unsupported') && tag ? tag[1].trim() : header[1].trim());
  }
  return kinds;
}

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
