// The HKP machine-readable index: the line format, escaping, flags, only the named
// addresses' user IDs; and GnuPG 2.2's --search-keys reading it from a real HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeIndexField, formatMachineReadableIndex } from '../../server/openpgp/hkp-index.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import type { CleanCertificate } from '../../server/openpgp/types.ts';
import { generate, gnupgHome } from './helpers.ts';

let alice: CleanCertificate;
let revoked: CleanCertificate;
let expiring: CleanCertificate;

beforeAll(async () => {
  const key = await generate('ed25519Legacy', [
    { name: 'Alice: the Ümlaut % tester', email: 'alice@example.org' },
    { name: 'Alice Private', email: 'private@example.net' },
  ]);
  alice = await loadCertificate(key.binary);
  const r = await generate('ed25519Legacy', [{ email: 'gone@example.org' }]);
  revoked = await loadCertificate((await openpgp.revokeKey({ key: r.privateKey, format: 'binary' })).publicKey);
  const e = await generate('curve25519', [{ email: 'soon@example.org' }], { keyExpirationTime: 3600 });
  expiring = await loadCertificate(e.binary);
});

const secs = (d: Date) => Math.floor(d.getTime() / 1000);

describe('formatMachineReadableIndex', () => {
  it('writes info, pub and uid lines with escaped user IDs', () => {
    const out = formatMachineReadableIndex([{ certificate: alice, addresses: ['alice@example.org'] }]);
    const created = secs(alice.created);
    expect(out).toBe(
      `info:1:1\npub:${alice.fingerprint}:22:255:${created}::\n` +
        `uid:Alice%3A the %C3%9Cmlaut %25 tester <alice@example.org>:${secs(alice.userIds.find((u) => u.address === 'alice@example.org')!.created)}::\n`,
    );
    expect(out).not.toContain('private@example.net');
  });

  it('flags revoked and expired keys and gives the expiry', () => {
    const later = new Date(Date.now() + 2 * 3600_000);
    const out = formatMachineReadableIndex(
      [
        { certificate: revoked, addresses: ['gone@example.org'] },
        { certificate: expiring, addresses: ['soon@example.org'] },
      ],
      later,
    );
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('info:1:2');
    expect(lines[1]).toMatch(new RegExp(`^pub:${revoked.fingerprint}:22:255:\\d+::r$`));
    expect(lines[3]).toBe(`pub:${expiring.fingerprint}:27:255:${secs(expiring.created)}:${secs(expiring.expires!)}:e`);
    expect(formatMachineReadableIndex([{ certificate: expiring, addresses: [] }])).toBe(
      `info:1:1\npub:${expiring.fingerprint}:27:255:${secs(expiring.created)}:${secs(expiring.expires!)}:\n`,
    );
  });

  it('escapes colons, percent signs, controls and non-ASCII bytes only', () => {
    expect(escapeIndexField('a:b%c\nd\u00e9 <x@y.z>')).toBe('a%3Ab%25c%0Ad%C3%A9 <x@y.z>');
    expect(escapeIndexField('plain (comment) <a@b.c>')).toBe('plain (comment) <a@b.c>');
  });
});

describe('gpg --search-keys', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];
  const gpg = gnupgHome();

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const search = url.searchParams.get('search') ?? '';
      const entries = search.toLowerCase() === 'alice@example.org' ? [{ certificate: alice, addresses: ['alice@example.org'] }] : [];
      if (url.pathname !== '/pks/lookup' || url.searchParams.get('op') !== 'index' || entries.length === 0) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(formatMachineReadableIndex(entries));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await gpg.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists the key found by address, with the unescaped user ID', async () => {
    const out = await gpg.gpg(['--keyserver', `hkp://127.0.0.1:${port}`, '--search-keys', 'alice@example.org']);
    expect(requests.some((r) => r.includes('op=index') && r.includes('options=mr'))).toBe(true);
    expect(out.stdout, out.stderr).toContain('Alice: the Ümlaut % tester <alice@example.org>');
    expect(out.stdout).toContain(alice.keyId);
    expect(out.stdout).toMatch(/255 bit EDDSA key/);
    expect(out.stdout).not.toContain('private@example.net');
    expect(out.stdout).toMatch(/^\(1\)\t/m);
    expect(out.stdout.match(/^\(\d+\)/gm)).toHaveLength(1);
  });
});
