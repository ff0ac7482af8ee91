// The cross-origin rule in a real browser (chromium): a page on another site reads every read
// endpoint with fetch (VKS, HKP lookup, /api/v1 lookups including Mailvelope's GET
// /api/v1/key, the log's checkpoint and tiles, WKD), errors included, with and without a
// preflight; it cannot read with credentials. It cannot change anything: JSON posts and
// DELETE die at the preflight, and the requests a browser sends without one (no-cors fetch,
// a plain form post) are refused by the server, so no certificate is stored and no mail is
// sent. The same calls from a page of the server itself still work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wkdHash } from '../../server/openpgp/wkd-hash.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startRecordingProxy } from '../interop/recording-proxy.ts';
import { launchBrowser, type Browser } from './chromium.ts';

let svc: TestService;
let browser: Browser;
let page: Page;
let other: Server;
let otherUrl: string;
let alice: TestKey;
let stranger: TestKey; // never uploaded from the test itself

beforeAll(async () => {
  svc = await startTestService();
  alice = await makeKey([{ name: 'Alice', email: 'alice@example.org' }]);
  stranger = await makeKey([{ name: 'Stranger', email: 'stranger@example.org' }]);
  const up = await (await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: alice.armored }) })).json();
  await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: up.token, addresses: ['alice@example.org'] }) });
  const confirmed = await fetch(await svc.linkFor('alice@example.org'), { method: 'POST', headers: { accept: 'application/json' } });
  expect(confirmed.status).toBe(200);
  // Another site: 'localhost' and '127.0.0.1' are different sites, whatever the ports.
  other = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>another site</title>
<form method="post" action="${svc.url}/pks/add"><input type="hidden" name="keytext" value=""><button>Add</button></form>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://localhost:${(other.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  other?.close();
  await svc?.close();
});

interface Outcome {
  ok: boolean;
  status?: number;
  text?: string;
  error?: string;
}

/** Runs fetch(url, init) in the page; a TypeError (CORS refusal) comes back as `error`. */
function pageFetch(url: string, init: RequestInit = {}): Promise<Outcome> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        return { ok: true, status: res.status, text: res.type === 'opaque' ? '(opaque)' : await res.text() };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    },
    { url, init: init as Record<string, unknown> },
  );
}

async function storedCertificate(fingerprint: string): Promise<boolean> {
  const rows = await svc.sql`SELECT 1 FROM certificates WHERE fingerprint = ${fingerprint}`;
  return rows.length > 0;
}

describe('from a page on another site', () => {
  beforeAll(async () => {
    await page.goto(otherUrl);
  });

  test('every read endpoint answers, and its answer can be read', async () => {
    const cp = await (await fetch(`${svc.url}/log/checkpoint`)).text();
    const size = Number(cp.split('\n')[1]);
    const reads = [
      `/vks/v1/by-email/alice%40example.org`,
      `/vks/v1/by-fingerprint/${alice.fingerprint}`,
      `/vks/v1/by-keyid/${alice.fingerprint.slice(-16)}`,
      `/pks/lookup?op=get&options=mr&search=alice%40example.org`,
      `/pks/lookup?op=index&options=mr&search=alice%40example.org`,
      `/api/v1/lookup?email=alice%40example.org`,
      `/api/v1/history?email=alice%40example.org`,
      `/api/v1/policy`,
      `/api/v1/proof/consistency?old=1&new=${size}`,
      `/api/v1/key?email=alice%40example.org`,
      `/api/v1/key?fingerprint=${alice.fingerprint}`,
      `/log/checkpoint`,
      `/log/tile/0/000.p/${size}`,
      `/log/tile/entries/000.p/${size}`,
      `/.well-known/openpgpkey/example.org/hu/${wkdHash('alice')}?l=alice`,
      `/.well-known/openpgpkey/example.org/policy`,
    ];
    for (const path of reads) {
      const r = await pageFetch(svc.url + path);
      expect(r, path).toMatchObject({ ok: true, status: 200 });
      if (!path.endsWith('/policy')) expect(r.text!.length, path).toBeGreaterThan(0); // WKD's policy file is empty
    }
    const lookup = JSON.parse((await pageFetch(`${svc.url}/api/v1/lookup?email=alice%40example.org`)).text!);
    expect(lookup.email).toBe('alice@example.org');
  });

  test('errors of read endpoints are readable too (a 404 is an answer, not a network error)', async () => {
    for (const path of ['/vks/v1/by-email/nobody%40example.org', '/api/v1/key?email=nobody%40example.org', '/pks/lookup?op=get&search=nobody%40example.org', '/api/v1/lookup?email=not-an-address']) {
      const r = await pageFetch(svc.url + path);
      expect(r.ok, path).toBe(true);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
    }
  });

  test('a read with a header that needs a preflight passes it; one with credentials is refused', async () => {
    const pre = await pageFetch(`${svc.url}/api/v1/key?email=alice%40example.org`, { headers: { 'x-client': 'test', accept: 'application/json' } });
    expect(pre).toMatchObject({ ok: true, status: 200 });
    const cred = await pageFetch(`${svc.url}/api/v1/policy`, { credentials: 'include' });
    expect(cred.ok).toBe(false);
    expect(cred.error).toMatch(/TypeError/);
  });

  test('JSON writes and DELETE die at the preflight: nothing is stored, nothing mailed', async () => {
    const mails = svc.smtp.received.length;
    const writes: [string, RequestInit][] = [
      ['/vks/v1/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: stranger.armored }) }],
      ['/api/v1/key', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ publicKeyArmored: stranger.armored }) }],
      ['/api/v1/manage', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.org' }) }],
      ['/api/v1/key?email=alice%40example.org', { method: 'DELETE' }],
    ];
    for (const [path, init] of writes) {
      const r = await pageFetch(svc.url + path, init);
      expect(r.ok, path).toBe(false);
      expect(r.error, path).toMatch(/TypeError/);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(await storedCertificate(stranger.fingerprint)).toBe(false);
    expect(svc.smtp.received.length).toBe(mails);
  });

  test('writes a browser sends without a preflight (no-cors fetch, a form post) are refused by the server', async () => {
    const mails = svc.smtp.received.length;
    // The browser does not let the page see these answers (opaque, or blocked by
    // Cross-Origin-Resource-Policy), so they go through a recording proxy to the same server.
    const proxy = await startRecordingProxy(svc.url);
    try {
      const via = `http://127.0.0.1:${proxy.port}`;
      const simple: [string, RequestInit][] = [
        ['/pks/add', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `keytext=${encodeURIComponent(stranger.armored)}` }],
        ['/api/v1/key', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ publicKeyArmored: stranger.armored }) }],
        ['/vks/v1/upload', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ keytext: stranger.armored }) }],
        ['/api/v1/manage', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: 'alice@example.org' }) }],
      ];
      for (const [path, init] of simple) await pageFetch(via + path, init);
      expect(proxy.exchanges.map((e) => [e.path, e.status])).toEqual(simple.map(([path]) => [path, 403]));
      expect(proxy.exchanges[0].body).toBe('requests that change something are not accepted from other websites\n');
      expect(JSON.parse(proxy.exchanges[1].body)).toMatchObject({ code: 'cross-site' });
    } finally {
      await proxy.close();
    }
    // A plain HTML form: a navigation, which shows the server's answer.
    await page.locator('input[name="keytext"]').evaluate((e, k) => ((e as HTMLInputElement).value = k), stranger.armored);
    const [nav] = await Promise.all([page.waitForResponse((r) => r.url() === `${svc.url}/pks/add`), page.getByRole('button', { name: 'Add' }).click()]);
    expect(nav.status()).toBe(403);
    expect(await nav.text()).toContain('not accepted from other websites');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await storedCertificate(stranger.fingerprint)).toBe(false);
    expect(svc.smtp.received.length).toBe(mails);
  });
});

describe('from a page of the server itself', () => {
  test('the same writes work (same origin)', async () => {
    await page.goto(`${svc.url}/`);
    const mails = svc.mailsTo('stranger@example.org').length;
    const r = await pageFetch(`${svc.url}/api/v1/key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ publicKeyArmored: stranger.armored }) });
    expect(r).toMatchObject({ ok: true, status: 201 });
    expect(await storedCertificate(stranger.fingerprint)).toBe(true);
    await svc.linkFor('stranger@example.org', mails);
  });
});

describe('programs that are not browsers (no Origin, no Sec-Fetch-Site)', () => {
  test('write as before; a preflight for a write gets no CORS headers', async () => {
    const res = await fetch(`${svc.url}/api/v1/manage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.org' }) });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${svc.url}/api/v1/key`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.example', 'access-control-request-method': 'DELETE' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${svc.url}/api/v1/key`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-client' } });
    expect(read.status).toBe(204);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    expect(read.headers.get('access-control-allow-headers')).toBe('x-client');
    expect(read.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('a browser extension (Origin chrome-extension://…) may write, as Mailvelope does; a web page\'s Origin may not', async () => {
    const k = await makeKey([{ email: 'ext@example.org' }]);
    const res = await fetch(`${svc.url}/api/v1/key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'chrome-extension://kajibbejlbohfaggdiogboambcijhkke', 'sec-fetch-site': 'none' },
      body: JSON.stringify({ publicKeyArmored: k.armored }),
    });
    expect(res.status).toBe(201);
    const site = await fetch(`${svc.url}/api/v1/key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ publicKeyArmored: k.armored }),
    });
    expect(site.status).toBe(403);
    expect(await site.json()).toMatchObject({ code: 'cross-site' });
    // Without Sec-Fetch-Site (older browsers, plain http), the Origin decides.
    const origin = await fetch(`${svc.url}/api/v1/manage`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"email":"a@example.org"}' });
    expect(origin.status).toBe(403);
    // Sec-Fetch-Site: none is no web page (privileged code, such as a mail client's): allowed.
    const none = await fetch(`${svc.url}/api/v1/manage`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null', 'sec-fetch-site': 'none' }, body: '{"email":"b@example.org"}' });
    expect(none.status).toBe(202);
  });
});
