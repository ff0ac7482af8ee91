// Bad input through the pages, in a real browser: an oversized file, garbage text, a private
// key, an expired link, a used link, forms posted from another site or without their CSRF
// token, a search for nonsense. Each gets a page that says what went wrong in words, with
// the right status, and never a stack trace. Screenshots: test-output/screenshots/.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import * as openpgp from 'openpgp';
import { tokenHash } from '../../server/directory/tokens.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { launchBrowser, screenshot, type Browser } from './chromium.ts';

let svc: TestService;
let browser: Browser;
let page: Page;
let evil: Server;
let evilUrl: string;

const STACK_TRACE = /\bat [\w.<>]+ \(|\.ts:\d+:\d+|node:internal|Error: /;

async function mainText(p: Page = page): Promise<string> {
  const text = await p.locator('main').innerText();
  expect(text).not.toMatch(STACK_TRACE);
  return text;
}

/** Uploads a key through the VKS API and returns the mailed link for its one address. */
async function mailedLink(address: string): Promise<string> {
  const key = await makeKey([{ email: address }]);
  const up = await (await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keytext: key.armored }) })).json();
  const rv = await fetch(`${svc.url}/vks/v1/request-verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: up.token, addresses: [address] }),
  });
  expect(rv.status).toBe(200);
  return svc.linkFor(address);
}

beforeAll(async () => {
  svc = await startTestService();
  browser = await launchBrowser();
  page = browser.page;
  // Another site, whose page posts a form to glasskey (a CSRF attempt).
  evil = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>win a prize</title>
<form method="post" action="${svc.url}/manage"><input type="hidden" name="email" value="victim@example.org"><button>Claim</button></form>
<form method="post" action="${svc.url}/upload" enctype="multipart/form-data"><input type="hidden" name="keytext" value="x"><button>Upload</button></form>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  // Same IP, another port: another origin (and another site, for Sec-Fetch-Site, only by name).
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  evil?.close();
  await svc?.close();
});

test('an oversized file: 413 and a page saying the limit', async () => {
  await page.goto(`${svc.url}/`);
  await page.getByLabel('or choose a key file').setInputFiles({ name: 'huge.asc', mimeType: 'application/octet-stream', buffer: randomBytes(1536 * 1024) });
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/upload')), page.getByRole('button', { name: 'Upload' }).click()]);
  expect(res.status()).toBe(413);
  await page.getByRole('heading', { name: 'That is too large' }).waitFor();
  expect(await mainText()).toContain('larger than the 1 MiB limit');
  await screenshot(page, '20-bad-oversized-file');
});

test('garbage text: 400, the home page again with the reason above the form', async () => {
  await page.goto(`${svc.url}/`);
  await page.getByLabel('Paste your public key (ASCII armored)').fill('hello, this is not a key at all');
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/upload')), page.getByRole('button', { name: 'Upload' }).click()]);
  expect(res.status()).toBe(400);
  const alert = await page.locator('#upload-error').innerText();
  expect(alert).toContain('The key was not accepted');
  expect(alert).toContain('not a readable OpenPGP certificate');
  expect(await page.getByLabel('Paste your public key (ASCII armored)').count()).toBe(1);
  await mainText();
  await screenshot(page, '21-bad-garbage');
});

test('an empty upload: 400, asks for a key', async () => {
  await page.goto(`${svc.url}/`);
  await page.getByLabel('Paste your public key (ASCII armored)').fill('   ');
  await page.getByRole('button', { name: 'Upload' }).click();
  expect(await page.locator('#upload-error').innerText()).toContain('paste an armored public key, or choose a key file');
});

test('a private key: refused, and the page does not echo it back', async () => {
  const { privateKey } = await openpgp.generateKey({ userIDs: [{ email: 'secret@example.org' }], curve: 'ed25519Legacy', format: 'armored' });
  await page.goto(`${svc.url}/`);
  await page.getByLabel('Paste your public key (ASCII armored)').fill(privateKey);
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/upload')), page.getByRole('button', { name: 'Upload' }).click()]);
  expect(res.status()).toBe(422);
  expect((await page.locator('#upload-error').innerText()).toLowerCase()).toMatch(/private|secret/);
  const html = await page.content();
  expect(html).not.toContain('PRIVATE KEY BLOCK');
  expect(html).not.toContain(privateKey.split('\n')[3]);
  await screenshot(page, '22-bad-private-key');
});

test('an expired link: 410 and a page saying so', async () => {
  const link = await mailedLink('expired@example.org');
  const token = link.slice(link.lastIndexOf('/') + 1);
  await svc.sql`UPDATE verification_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = ${tokenHash(token)}`;
  const res = await page.goto(link);
  expect(res?.status()).toBe(410);
  await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
  expect(await mainText()).toContain('ask for a new one');
  await screenshot(page, '23-bad-expired-link');
});

test('a used link: the page says so, both when opened again and when its button is pressed twice', async () => {
  const link = await mailedLink('used@example.org');
  await page.goto(link);
  // The same link confirmed meanwhile (another tab, another device).
  const other = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  expect(other.status).toBe(200);
  const [res] = await Promise.all([page.waitForResponse((r) => r.url() === link && r.request().method() === 'POST'), page.getByRole('button', { name: 'Confirm and publish' }).click()]);
  expect(res.status()).toBe(410);
  await page.getByRole('heading', { name: 'This link was already used' }).waitFor();
  await mainText();
  await screenshot(page, '24-bad-used-link');
  const again = await page.goto(link);
  expect(again?.status()).toBe(410);
  expect(await mainText()).toContain('already used');
});

test('forms posted from another site: 403, nothing happens', async () => {
  for (const button of ['Claim', 'Upload']) {
    const mailsBefore = svc.smtp.received.length;
    await page.goto(evilUrl);
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(svc.url) && r.request().method() === 'POST'), page.getByRole('button', { name: button }).click()]);
    expect(res.status()).toBe(403);
    await page.getByRole('heading', { name: 'This form cannot be accepted' }).waitFor();
    expect(await mainText()).toContain('did not come from a glasskey page');
    if (button === 'Claim') await screenshot(page, '25-bad-cross-site-form');
    expect(svc.smtp.received.length).toBe(mailsBefore);
  }
});

test('a form without its CSRF token (same site): 403', async () => {
  await page.goto(`${svc.url}/manage`);
  await page.locator('input[name="csrf"]').evaluate((e) => e.remove());
  await page.getByLabel('Your email address').fill('someone@example.org');
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/manage') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Send removal link' }).click()]);
  expect(res.status()).toBe(403);
  expect(await mainText()).toContain('reload the page');
});

test('a form whose token is not this browser’s (a token from another browser): 403', async () => {
  const other = await launchBrowser();
  try {
    await other.page.goto(`${svc.url}/manage`);
    const foreign = await other.page.locator('input[name="csrf"]').getAttribute('value');
    await page.goto(`${svc.url}/manage`);
    await page.locator('input[name="csrf"]').evaluate((e, v) => e.setAttribute('value', v!), foreign);
    await page.getByLabel('Your email address').fill('someone@example.org');
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/manage') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Send removal link' }).click()]);
    expect(res.status()).toBe(403);
  } finally {
    await other.close();
  }
});

test('nonsense in the search box: 400 with what the box takes; an unknown address: 404', async () => {
  const res = await page.goto(`${svc.url}/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
  expect(res?.status()).toBe(400);
  const text = await mainText();
  expect(text).toContain('Enter an email address, a fingerprint (40 or 64 hex digits) or a key ID (16 hex digits).');
  expect(await page.getByLabel('Email address, fingerprint or key ID').inputValue()).toBe('<script>alert(1)</script>');
  await screenshot(page, '26-bad-search');
  const nobody = await page.goto(`${svc.url}/search?q=nobody%40example.org`);
  expect(nobody?.status()).toBe(404);
  expect(await mainText()).toContain('No verified key for nobody@example.org');
});

test('a bad address on /manage: 400 with the reason', async () => {
  await page.goto(`${svc.url}/manage`);
  await page.getByLabel('Your email address').evaluate((e) => e.setAttribute('type', 'text')); // past the browser's own check
  await page.getByLabel('Your email address').fill('not an address');
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/manage') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Send removal link' }).click()]);
  expect(res.status()).toBe(400);
  expect(await mainText()).toContain('address');
});
