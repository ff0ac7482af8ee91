// GnuPG 2.2 against the running directory over HKP, end to end with real processes: gpg
// makes its own key (ed25519 + cv25519, v4, two user IDs, certified by a second gpg key),
// `gpg --send-keys` uploads it (/pks/add), the server mails a link to each address and says so
// in its answer (read through a recording proxy: gpg does not show it), sending it again or
// another key for the address mails nothing more (a link is out; the per-address rate limit)
// and the answer says why, the test confirms one of them, and then gpg in fresh homes gets exactly what was verified:
// `--recv-keys` by fingerprint, key ID and subkey ID, `--search-keys` (exact address only),
// `--locate-keys` through the keyserver, and the WKD URL GnuPG computes (gpg-wks-client),
// fetched with `gpg --fetch-keys`. An openpgp.js ed25519Legacy key uploaded over VKS is
// then received by gpg too.
//
// `gpg --locate-keys --auto-key-locate clear,wkd` itself cannot be pointed at this server:
// dirmngr 2.2 builds WKD URLs as https://<domain>:443 (or https://openpgpkey.<domain>),
// resolves the mail domain through DNS (and SRV), trusts only the system CA store for that
// fetch (HTTP_FLAG_TRUST_SYS) and refuses https->http redirects; none of that can be
// redirected to a plain-HTTP 127.0.0.1 port without changing the machine's DNS and CA
// store. So the WKD part checks GnuPG's own hash and URL (gpg-wks-client --print-wkd-hash
// and --print-wkd-url) against what the server serves, and has dirmngr fetch that path
// over plain HTTP (gpg --fetch-keys).
//
// Skipped, with that reason, only when gpg is not installed (CI installs it in .ci/run; with
// CI set in the environment a missing gpg fails instead).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { wkdHash } from '../../server/openpgp/wkd-hash.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import {
  findExecutable,
  findGpgWksClient,
  GnuPGHome,
  listedKeys,
  parseSearchListing,
  run,
  expectSuccess,
  type ListedKey,
} from './clients.ts';

const GPG = findExecutable('gpg');
const missing = GPG ? null : 'gpg is not installed (not found on PATH); .ci/run installs it (Debian package gnupg)';
if (missing) console.warn(`test/interop/gpg-hkp.test.ts skipped: ${missing}`);

test.runIf(missing !== null && !!process.env.CI)('gpg must be installed in CI', () => {
  throw new Error(missing ?? '');
});

const ALICE = 'Alice <alice@example.org>';
const ALICE_WORK = 'Alice Work <alice.work@example.org>';
const BOB = 'Bob <bob@example.net>';

describe.skipIf(missing !== null)(missing ? `gpg over HKP (skipped: ${missing})` : 'gpg over HKP', () => {
  let svc: TestService;
  let keyserver: string;
  let proxy: RecordingProxy;
  let proxyKeyserver: string;
  const homes: GnuPGHome[] = [];
  let owner: GnuPGHome;
  let alice: ListedKey; // as gpg lists it in the owner's home
  let bobKeyId: string;
  let exported: string; // the owner's export: with both user IDs and Bob's certification

  /** A new, empty GnuPG home, closed (agent and dirmngr killed) after the file. */
  function freshHome(): GnuPGHome {
    const h = GnuPGHome.create(GPG!);
    homes.push(h);
    return h;
  }
  /** gpg talking to this server over HKP. */
  const ks = () => ['--keyserver', keyserver];
  // gpg 2.2 strips third-party signatures and "unusable" ones on keyserver imports by default
  // (self-sigs-only, import-clean). Turn both off so gpg keeps whatever the server serves: a
  // certification missing afterwards was left out by the server, not by gpg.
  const KEEP_ALL = ['--keyserver-options', 'no-self-sigs-only,no-import-clean'];

  async function confirm(link: string) {
    const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    return (await res.json()) as { action: string; address: string; fingerprint: string; index: number };
  }

  beforeAll(async () => {
    svc = await startTestService();
    keyserver = `hkp://127.0.0.1:${new URL(svc.url).port}`;
    proxy = await startRecordingProxy(svc.url);
    proxyKeyserver = `hkp://127.0.0.1:${proxy.port}`;
    owner = freshHome();
  });

  afterAll(async () => {
    for (const h of homes) await h.close();
    await proxy?.close();
    await svc?.close();
  });

  test('gpg makes the key: ed25519 primary, cv25519 subkey, two user IDs, one certified by Bob', async () => {
    await owner.ok(['--quick-gen-key', ALICE, 'ed25519', 'sign', '0']);
    const [first] = listedKeys(await owner.listColons(false, 'alice@example.org'));
    await owner.ok(['--quick-add-key', first.fingerprint, 'cv25519', 'encr', '0']);
    await owner.ok(['--quick-add-uid', first.fingerprint, ALICE_WORK]);
    await owner.ok(['--quick-gen-key', BOB, 'ed25519', 'sign', '0']);
    const [bob] = listedKeys(await owner.listColons(false, 'bob@example.net'));
    bobKeyId = bob.keyId;
    await owner.ok(['--local-user', bob.fingerprint, '--quick-sign-key', first.fingerprint, ALICE]);

    [alice] = listedKeys(await owner.listColons(true, first.fingerprint));
    expect(alice.algorithm).toBe(22); // EdDSA (ed25519Legacy), v4: what gpg 2.2 reads
    expect(alice.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(alice.subkeys).toHaveLength(1);
    expect(alice.subkeys[0].algorithm).toBe(18); // ECDH cv25519
    expect(alice.userIds.sort()).toEqual([ALICE, ALICE_WORK].sort());
    expect(alice.signatures).toContainEqual({ issuer: bobKeyId, cls: '10x', on: ALICE });
    exported = (await owner.ok(['--armor', '--export', alice.fingerprint])).stdout;
    expect(exported).toContain('BEGIN PGP PUBLIC KEY BLOCK');
  });

  test('gpg --send-keys uploads over HKP; the server mails a link to each address and publishes nothing yet', async () => {
    // Through a recording proxy, to read the answer gpg got (gpg does not show it).
    const sent = await owner.run(['--keyserver', proxyKeyserver, '--send-keys', alice.fingerprint]);
    expect(sent.stderr).toContain(`sending key ${alice.keyId} to ${proxyKeyserver}`);
    expect(sent.code).toBe(0);
    const add = proxy.exchanges.filter((e) => e.path === '/pks/add');
    expect(add).toHaveLength(1);
    expect(add[0].status).toBe(200);
    expect(add[0].body).toBe(`${alice.fingerprint}: verification link mailed: alice.work@example.org, alice@example.org\n`);
    for (const address of ['alice@example.org', 'alice.work@example.org']) {
      const link = await svc.linkFor(address);
      expect(link).toMatch(/\/verify\/[A-Za-z0-9_-]+$/);
      const mail = svc.mailsTo(address)[0].parsed.text ?? '';
      expect(mail.replace(/\s+/g, '')).toContain(alice.fingerprint);
    }
    // Nothing is served for the addresses, and by fingerprint the certificate has no user ID,
    // so gpg cannot import it.
    expect((await fetch(`${svc.url}/pks/lookup?op=get&options=mr&search=alice%40example.org`)).status).toBe(404);
    const early = freshHome();
    const r = await early.run([...ks(), ...KEEP_ALL, '--recv-keys', alice.fingerprint]);
    expect(r.stderr).toMatch(/no user ID/i); // gpg exits 0 here, but imports nothing
    expect((await early.run(['--with-colons', '--list-keys'])).stdout).not.toContain(alice.fingerprint);
  });

  test('gpg --send-keys again at once: no new mail, and the answer says the links mailed earlier still work', async () => {
    const before = svc.smtp.received.length;
    await owner.ok(['--keyserver', proxyKeyserver, '--send-keys', alice.fingerprint]);
    const answer = proxy.exchanges.filter((e) => e.path === '/pks/add').at(-1)!;
    expect(answer.body).toBe(`${alice.fingerprint}: not mailed, the link mailed earlier still works: alice.work@example.org, alice@example.org\n`);
    await new Promise((r) => setTimeout(r, 1000)); // mails go out through a job queue: give one time to show up
    expect(svc.smtp.received.length).toBe(before);
  });

  test('another key for the same address from gpg: the per-address rate limit holds its mail back, and the answer says so', async () => {
    const other = freshHome();
    await other.ok(['--quick-gen-key', 'Alice Again <alice@example.org>', 'ed25519', 'sign', '0']);
    const [again] = listedKeys(await other.listColons(false, 'alice@example.org'));
    const before = svc.mailsTo('alice@example.org').length;
    const r = await other.run(['--keyserver', proxyKeyserver, '--send-keys', again.fingerprint]);
    expect(r.code, r.stderr).toBe(0); // stored; only the mail waits
    const answer = proxy.exchanges.filter((e) => e.path === '/pks/add').at(-1)!;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(`${again.fingerprint}: not mailed, a link went out too recently (send the key again later): alice@example.org\n`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(svc.mailsTo('alice@example.org')).toHaveLength(before);
  });

  test('confirming one address (POST to the mailed link) binds it', async () => {
    const done = await confirm(await svc.linkFor('alice@example.org'));
    expect(done).toMatchObject({ action: 'bind', address: 'alice@example.org', fingerprint: alice.fingerprint });
    expect(typeof done.index).toBe('number');
  });

  test('gpg --recv-keys <fingerprint> into a fresh home gets exactly the verified user ID and no third-party signature', async () => {
    const home = freshHome();
    const r = await home.ok([...ks(), ...KEEP_ALL, '--recv-keys', alice.fingerprint]);
    expect(r.stderr).toMatch(/imported: 1/);
    const keys = listedKeys(await home.listColons(true));
    expect(keys.map((k) => k.fingerprint)).toEqual([alice.fingerprint]);
    const [got] = keys;
    expect(got.userIds).toEqual([ALICE]);
    expect(got.subkeys.map((s) => [s.fingerprint, s.algorithm])).toEqual(alice.subkeys.map((s) => [s.fingerprint, s.algorithm]));
    expect(got.signatures.length).toBeGreaterThan(0);
    expect(got.signatures.filter((s) => s.issuer !== alice.keyId)).toEqual([]);
    expect(got.signatures.map((s) => s.issuer)).not.toContain(bobKeyId);
  });

  test('control: the same gpg import options keep both user IDs and Bob\'s certification when they are there', async () => {
    // The owner's own export, imported with the options used above: this is what the checks
    // above would see had the server passed the upload through uncleaned.
    const home = freshHome();
    await home.ok(['--import-options', 'no-self-sigs-only,no-import-clean', '--import'], { input: exported });
    const [got] = listedKeys(await home.listColons(true));
    expect(got.userIds.sort()).toEqual([ALICE, ALICE_WORK].sort());
    expect(got.signatures).toContainEqual({ issuer: bobKeyId, cls: '10x', on: ALICE });
  });

  test('gpg --recv-keys by 16-hex key ID, with 0x, and by the encryption subkey ID', async () => {
    for (const id of [alice.keyId, `0x${alice.keyId}`, alice.subkeys[0].fingerprint.slice(-16)]) {
      const home = freshHome();
      await home.ok([...ks(), ...KEEP_ALL, '--recv-keys', id]);
      const keys = listedKeys(await home.listColons(true));
      expect(keys.map((k) => [k.fingerprint, k.userIds])).toEqual([[alice.fingerprint, [ALICE]]]);
    }
  });

  test('gpg --search-keys finds the verified address and lists only its user ID', async () => {
    const home = freshHome();
    const colons = await home.ok([...ks(), '--with-colons', '--search-keys', 'alice@example.org']);
    expect(parseSearchListing(colons.stdout)).toEqual([{ fingerprint: alice.fingerprint, algorithm: 22, userIds: [ALICE] }]);
    // The interactive listing (batch mode cannot answer its prompt, so gpg exits nonzero).
    const human = await home.run([...ks(), '--search-keys', 'alice@example.org']);
    expect(human.stdout).toMatch(/\(1\)\s+Alice <alice@example\.org>/);
    expect(human.stdout).toContain(alice.keyId);
    expect(human.stdout).not.toContain('alice.work@example.org');
    // The index gpg parsed is the server's machine-readable one.
    const index = await fetch(`${svc.url}/pks/lookup?op=index&options=mr&search=alice%40example.org`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await index.text()).split('\n')[0]).toBe('info:1:1');
  });

  test('gpg --search-keys finds nothing for a substring, the bare domain, or an unverified address', async () => {
    const home = freshHome();
    for (const q of ['alice', 'example.org', 'Alice', 'alice.work@example.org']) {
      const r = await home.run([...ks(), '--with-colons', '--search-keys', q]);
      expect(r.code, q).not.toBe(0);
      expect(r.stderr, q).toMatch(/not found/i);
      expect(parseSearchListing(r.stdout), q).toEqual([]);
      expect(r.stdout, q).not.toContain(alice.fingerprint);
    }
  });

  test('gpg --locate-keys through the keyserver finds the verified address only', async () => {
    const home = freshHome();
    await home.ok([...ks(), ...KEEP_ALL, '--auto-key-locate', 'clear,keyserver', '--locate-keys', 'alice@example.org']);
    expect(listedKeys(await home.listColons(false)).map((k) => [k.fingerprint, k.userIds])).toEqual([[alice.fingerprint, [ALICE]]]);
    const other = freshHome();
    const r = await other.run([...ks(), '--auto-key-locate', 'clear,keyserver', '--locate-keys', 'alice.work@example.org']);
    expect(r.code).not.toBe(0);
    expect((await other.run(['--with-colons', '--list-keys'])).stdout).not.toContain(alice.fingerprint);
  });

  test('an update sent again with gpg --send-keys (new subkey) is served at once, with no new mail', async () => {
    const mailsBefore = svc.smtp.received.length;
    await owner.ok(['--quick-add-key', alice.fingerprint, 'ed25519', 'sign', '0']);
    const [updated] = listedKeys(await owner.listColons(false, alice.fingerprint));
    expect(updated.subkeys).toHaveLength(2);
    const sent = await owner.run(['--keyserver', proxyKeyserver, '--send-keys', alice.fingerprint]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(proxy.exchanges.filter((e) => e.path === '/pks/add').at(-1)!.body).toBe(
      `${alice.fingerprint}: not mailed, the link mailed earlier still works: alice.work@example.org\n` +
        `${alice.fingerprint}: already published, update published: alice@example.org\n`,
    );
    // The update appends a new log entry; poll until the served binding carries the subkey.
    const newSubkey = updated.subkeys[1].fingerprint;
    let got: ListedKey | undefined;
    for (let i = 0; i < 50; i++) {
      const home = GnuPGHome.create(GPG!);
      try {
        await home.ok([...ks(), ...KEEP_ALL, '--auto-key-locate', 'clear,keyserver', '--locate-keys', 'alice@example.org']);
        [got] = listedKeys(await home.listColons(false));
      } finally {
        await home.close();
      }
      if (got?.subkeys.some((s) => s.fingerprint === newSubkey)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(got?.subkeys.map((s) => s.fingerprint).sort()).toEqual(updated.subkeys.map((s) => s.fingerprint).sort());
    expect(got?.userIds).toEqual([ALICE]);
    alice = updated;
    await new Promise((r) => setTimeout(r, 1000)); // mails go out through a job queue: give one time to show up
    expect(svc.smtp.received.length).toBe(mailsBefore);
  });

  describe('WKD paths as GnuPG computes them', () => {
    let wks: string | null;
    beforeAll(async () => {
      wks = await findGpgWksClient();
    });

    async function wkdUrl(address: string): Promise<{ hash: string; url: URL }> {
      const h = expectSuccess(await run(wks!, ['--print-wkd-hash', address]), 'gpg-wks-client --print-wkd-hash');
      const [hash, echoed] = h.stdout.trim().split(/\s+/);
      expect(echoed).toBe(address);
      const u = expectSuccess(await run(wks!, ['--print-wkd-url', address]), 'gpg-wks-client --print-wkd-url');
      const url = new URL(u.stdout.trim());
      return { hash, url };
    }

    test('GnuPG\'s WKD hash and advanced URL are the ones the server answers; gpg --fetch-keys imports only the verified user ID', async (ctx) => {
      if (!wks) ctx.skip(); // gpg-wks-client ships with gpg (gpg-wks-client package on newer Debian)
      const { hash, url } = await wkdUrl('alice@example.org');
      expect(hash).toBe(wkdHash('alice'));
      expect(url.protocol).toBe('https:');
      expect(url.host).toBe('openpgpkey.example.org');
      expect(url.pathname).toBe(`/.well-known/openpgpkey/example.org/hu/${hash}`);
      expect(url.searchParams.get('l')).toBe('alice');
      // The same path and query on this server, over plain HTTP, fetched by gpg's dirmngr.
      const local = `${svc.url}${url.pathname}${url.search}`;
      const home = freshHome();
      await home.ok(['--fetch-keys', local]);
      const keys = listedKeys(await home.listColons(true));
      expect(keys.map((k) => [k.fingerprint, k.userIds])).toEqual([[alice.fingerprint, [ALICE]]]);
      expect(keys[0].signatures.map((s) => s.issuer)).not.toContain(bobKeyId);
    });

    test('the direct method (Host: example.org) serves the same bytes; the unverified address and other domains get 404', async (ctx) => {
      if (!wks) ctx.skip();
      const { hash, url } = await wkdUrl('alice@example.org');
      const advanced = await fetch(`${svc.url}${url.pathname}${url.search}`);
      expect(advanced.status).toBe(200);
      expect(advanced.headers.get('content-type')).toBe('application/octet-stream');
      const bytes = Buffer.from(await advanced.arrayBuffer());
      const direct = await getWithHost(`/.well-known/openpgpkey/hu/${hash}?l=alice`, 'example.org');
      expect(direct.status).toBe(200);
      expect(direct.body.equals(bytes)).toBe(true);
      const policy = await getWithHost('/.well-known/openpgpkey/policy', 'example.org');
      expect(policy.status).toBe(200);
      expect((await fetch(`${svc.url}/.well-known/openpgpkey/example.org/policy`)).status).toBe(200);

      const work = await wkdUrl('alice.work@example.org');
      expect((await fetch(`${svc.url}${work.url.pathname}${work.url.search}`)).status).toBe(404);
      const home = freshHome();
      const r = await home.run(['--fetch-keys', `${svc.url}${work.url.pathname}${work.url.search}`]);
      expect(r.code).not.toBe(0);
      // A domain the server does not serve WKD for.
      const other = await wkdUrl('alice@example.net');
      expect((await fetch(`${svc.url}${other.url.pathname}${other.url.search}`)).status).toBe(404);
      expect((await getWithHost(`/.well-known/openpgpkey/hu/${hash}?l=alice`, 'example.net')).status).toBe(404);
    });

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
  });

  describe('an openpgp.js ed25519Legacy key uploaded over VKS', () => {
    let erin: TestKey;

    test('VKS upload, request-verify, confirm', async () => {
      erin = await makeKey([{ name: 'Erin', email: 'erin@example.org' }]);
      const up = await fetch(`${svc.url}/vks/v1/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ keytext: erin.armored }),
      });
      expect(up.status).toBe(200);
      const body = (await up.json()) as { key_fpr: string; token: string; status: Record<string, string> };
      expect(body.key_fpr).toBe(erin.fingerprint);
      expect(body.status).toEqual({ 'erin@example.org': 'unpublished' });
      const rv = await fetch(`${svc.url}/vks/v1/request-verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: body.token, addresses: ['erin@example.org'] }),
      });
      expect(rv.status).toBe(200);
      expect(await confirm(await svc.linkFor('erin@example.org'))).toMatchObject({ address: 'erin@example.org', fingerprint: erin.fingerprint });
    });

    test('gpg --recv-keys and --search-keys get it over HKP', async () => {
      const home = freshHome();
      await home.ok([...ks(), ...KEEP_ALL, '--recv-keys', erin.fingerprint]);
      const [got] = listedKeys(await home.listColons(true));
      expect(got.fingerprint).toBe(erin.fingerprint);
      expect(got.algorithm).toBe(22);
      expect(got.userIds).toEqual(['Erin <erin@example.org>']);
      const found = await home.ok([...ks(), '--with-colons', '--search-keys', 'erin@example.org']);
      expect(parseSearchListing(found.stdout)).toEqual([{ fingerprint: erin.fingerprint, algorithm: 22, userIds: ['Erin <erin@example.org>'] }]);
    });
  });
});
