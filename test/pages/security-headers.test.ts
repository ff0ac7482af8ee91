// The pages over plain HTTP: every page carries the strict security headers (CSP with
// default-src 'self' and no inline anything, nosniff, Referrer-Policy, frame-ancestors none)
// and no inline script or style; forms carry the CSRF token of the HttpOnly cookie; static
// files are served at hashed paths with long caching and gzip; errors on pages are HTML.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

const PAGES = ['/', '/manage', '/log', '/search?q=nobody%40example.org', '/search?q=%3Cb%3E', '/verify/AAAAAAAAAAAAAAAAAAAAAA'];

describe('security headers and markup', () => {
  for (const path of PAGES)
    test(`${path}: strict CSP, nosniff, referrer policy, no framing, no inline script or style`, async () => {
      const res = await fetch(svc.url + path);
      expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toMatch(/^(same-origin|no-referrer)$/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const html = await res.text();
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<html lang="en">');
      for (const m of html.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toMatch(/ src="\/static\/panel\.[0-9a-f]{16}\.js"/);
      expect(html).not.toMatch(/<style\b| style="| on[a-z]+="/);
      expect(html).not.toMatch(/<(link|script|img)[^>]+(href|src)="(https?:)?\/\//); // no third-party assets
    });

  test('the search box echoes what was typed, escaped', async () => {
    const html = await (await fetch(`${svc.url}/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('pages are not cached; the mailed-link page leaks no referrer', async () => {
    expect((await fetch(`${svc.url}/`)).headers.get('cache-control')).toBe('no-store');
    const link = await fetch(`${svc.url}/verify/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(link.status).toBe(404);
    expect(link.headers.get('cache-control')).toBe('no-store');
  });
});

describe('CSRF token and cookie', () => {
  test('a page with a form sets an HttpOnly SameSite=Lax cookie whose value is the form token', async () => {
    const res = await fetch(`${svc.url}/manage`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^glasskey-csrf=[A-Za-z0-9_-]{22};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const value = /^glasskey-csrf=([^;]+)/.exec(cookie)![1];
    expect(await res.text()).toContain(`name="csrf" value="${value}"`);
  });

  test('a browser that has the cookie keeps it: no new cookie, same token in the form', async () => {
    const first = await fetch(`${svc.url}/`);
    const value = /^glasskey-csrf=([^;]+)/.exec(first.headers.get('set-cookie')!)![1];
    const second = await fetch(`${svc.url}/manage`, { headers: { cookie: `glasskey-csrf=${value}` } });
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.text()).toContain(`value="${value}"`);
  });

  async function postManage(headers: Record<string, string>, body: string) {
    return fetch(`${svc.url}/manage`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, redirect: 'manual' });
  }

  test('POST with the matching cookie and token is accepted', async () => {
    const token = 'abcdefghijklmnopqrstuv';
    const res = await postManage({ cookie: `glasskey-csrf=${token}`, origin: svc.url }, `csrf=${token}&email=nobody%40example.org`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('we mailed a removal link');
  });

  for (const [name, headers, body] of [
    ['no token, no cookie', {}, 'email=a%40example.org'],
    ['a token but no cookie', {}, 'csrf=abcdefghijklmnopqrstuv&email=a%40example.org'],
    ['a token that differs from the cookie', { cookie: 'glasskey-csrf=abcdefghijklmnopqrstuv' }, 'csrf=abcdefghijklmnopqrstuX&email=a%40example.org'],
    ['another Origin', { cookie: 'glasskey-csrf=abcdefghijklmnopqrstuv', origin: 'http://evil.example' }, 'csrf=abcdefghijklmnopqrstuv&email=a%40example.org'],
    ['Sec-Fetch-Site cross-site', { cookie: 'glasskey-csrf=abcdefghijklmnopqrstuv', 'sec-fetch-site': 'cross-site' }, 'csrf=abcdefghijklmnopqrstuv&email=a%40example.org'],
    ['Origin null', { cookie: 'glasskey-csrf=abcdefghijklmnopqrstuv', origin: 'null' }, 'csrf=abcdefghijklmnopqrstuv&email=a%40example.org'],
  ] as [string, Record<string, string>, string][])
    test(`POST with ${name}: 403 page`, async () => {
      const res = await postManage(headers, body);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('This form cannot be accepted');
    });

  test('upload and request-verify are guarded too', async () => {
    for (const path of ['/upload', '/upload/request-verify']) {
      const res = await fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'keytext=x&token=y&addresses=a%40b.org' });
      expect(res.status, path).toBe(403);
    }
  });

  test('a POST that is not a form is refused with 415, not processed', async () => {
    const res = await fetch(`${svc.url}/manage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.org"}' });
    expect(res.status).toBe(415);
  });

  test('the JSON confirmation of mailed links still works without any token (non-browser clients)', async () => {
    const res = await fetch(`${svc.url}/verify/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST', headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'unknown-token' });
    const cross = await fetch(`${svc.url}/verify/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST', headers: { accept: 'application/json', origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
  });
});

describe('static files', () => {
  test('stylesheet, icon and panel bundle at hashed paths, immutable, gzip when accepted', async () => {
    const html = await (await fetch(`${svc.url}/search?q=nobody%40example.org`)).text();
    const css = /href="(\/static\/style\.[0-9a-f]{16}\.css)"/.exec(html)![1];
    const icon = /href="(\/static\/favicon\.[0-9a-f]{16}\.svg)"/.exec(html)![1];
    for (const [path, type] of [
      [css, 'text/css'],
      [icon, 'image/svg+xml'],
    ]) {
      const res = await fetch(svc.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBe('gzip'); // fetch sends accept-encoding: gzip
    }
    expect((await fetch(`${svc.url}/static/style.0000000000000000.css`)).status).toBe(404);
    expect((await fetch(`${svc.url}/static/panel.0000000000000000.js`)).status).toBe(404);
  });

  test('the panel bundle is served as a JavaScript module, identical with and without gzip', async () => {
    const { panelBundle } = await import('../../server/static/bundle.ts');
    const bundle = await panelBundle();
    const plain = await fetch(svc.url + bundle.path, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = new Uint8Array(await plain.arrayBuffer());
    expect(Buffer.compare(body, bundle.code)).toBe(0);
    const zipped = await fetch(svc.url + bundle.path);
    expect(Buffer.compare(new Uint8Array(await zipped.arrayBuffer()), bundle.code)).toBe(0); // fetch inflates
  });
});

describe('errors on pages are HTML, on the API JSON', () => {
  test('a bad download request is a page with the reason', async () => {
    const res = await fetch(`${svc.url}/download?q=nobody%40example.org&format=exe`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('format must be');
  });

  // Last: the server closes the connection of a 413 whose body it did not read.
  test('an oversized page POST gets the 413 page; the same on the API gets JSON', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const page = await fetch(`${svc.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect(page.status).toBe(413);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('larger than the 1 MiB limit');
    const api = await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(api.status).toBe(413);
    expect((await api.json()).code).toBe('body-too-large');
  });
});
