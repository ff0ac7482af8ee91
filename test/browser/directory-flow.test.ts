// The whole cycle in a real browser (Debian's chromium) against the real service
// (PostgreSQL, SMTP): upload a key through the page, send the link, read the mail, open the
// link, confirm, search, and see the transparency panel verify the proof in the browser;
// its figures match the served checkpoint; the HeadStore in localStorage keeps the checkpoint
// and later checks that the next one extends it. Then tampered lookups (entry, proof,
// certificate, checkpoint signature, another address) each fail with their specific check.
// Then removal through /manage, the /log page, the same cycle without JavaScript, and a
// phone-sized screen. Screenshots: test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { LookupResponse } from '@glasskey/verifier';
import { parseCheckpoint, parseNote } from '@glasskey/verifier';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { launchBrowser, panelOutcome, screenshot, type Browser } from './chromium.ts';
import { flipCertificateByte, flipCheckpointSignature, flipEntryByte, flipProofByte } from './tamper.ts';

let svc: TestService;
let browser: Browser;
let page: Page;
let alice: TestKey;
/** Content-Security-Policy violations and uncaught script errors seen on any page. */
const problems: string[] = [];

async function servedCheckpoint(): Promise<{ origin: string; size: number }> {
  const note = await (await fetch(`${svc.url}/log/checkpoint`)).text();
  const cp = parseCheckpoint(parseNote(note).text);
  return { origin: cp.origin, size: cp.size };
}

/** Clicks the send button of one address on the upload result page and waits for the notice. */
async function sendLinkFor(address: string): Promise<void> {
  await page.locator(`tr[data-address="${address}"] button`).click();
  await page.getByText('We mailed a verification link to').waitFor();
  expect(await page.locator(`tr[data-address="${address}"]`).getAttribute('data-status')).toBe('pending');
}

/** Opens a mailed link, checks what it says, confirms, and returns the log index shown. */
async function confirmLink(link: string, address: string, shot?: string): Promise<number> {
  await page.goto(link);
  expect(await page.locator('[data-address]').innerText()).toBe(address);
  if (shot) await screenshot(page, `${shot}-confirm`);
  await page.getByRole('button', { name: /Confirm/ }).click();
  await page.locator('[data-index]').waitFor();
  if (shot) await screenshot(page, `${shot}-done`);
  const index = Number(await page.locator('[data-index]').getAttribute('data-index'));
  expect(Number.isInteger(index)).toBe(true);
  expect(await page.locator('main').innerText()).toContain(`entry ${index}`);
  return index;
}

beforeAll(async () => {
  svc = await startTestService({}, { rates: ratePolicies({ verifyMailPerAddress: { limit: 5 } }) });
  alice = await makeKey([
    { name: 'Alice', email: 'alice@example.org' },
    { name: 'Alice Work', email: 'alice@work.example' },
  ]);
  browser = await launchBrowser();
  page = browser.page;
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe('upload, verify, search in the browser', () => {
  let firstIndex: number;

  test('the home page has the search box, the upload form and what the log guarantees', async () => {
    const res = await page.goto(`${svc.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.getByLabel('Email address, fingerprint or key ID').count()).toBe(1);
    expect(await page.getByLabel('Paste your public key (ASCII armored)').count()).toBe(1);
    expect(await page.getByLabel('or choose a key file').count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('What the log guarantees');
    await screenshot(page, '01-home');
  });

  test('pasting a key shows its summary and each address, unpublished', async () => {
    await page.getByLabel('Paste your public key (ASCII armored)').fill(alice.armored);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Your key' }).waitFor();
    expect(await page.locator('code.fpr').first().getAttribute('data-fingerprint')).toBe(alice.fingerprint);
    expect(await page.locator('tr[data-address]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-address'), r.getAttribute('data-status')]))).toEqual([
      ['alice@example.org', 'unpublished'],
      ['alice@work.example', 'unpublished'],
    ]);
    await screenshot(page, '02-upload-result');
  });

  test('the button mails the link; confirming it publishes and shows the entry index', async () => {
    await sendLinkFor('alice@example.org');
    await screenshot(page, '03-link-sent');
    const link = await svc.linkFor('alice@example.org');
    firstIndex = await confirmLink(link, 'alice@example.org', '04-verify');
  });

  test('the search result shows the key and the panel verifies the proof in the browser', async () => {
    await page.getByRole('link', { name: 'See your key and check its proof' }).click();
    await page.getByRole('heading', { name: 'Key for alice@example.org' }).waitFor();
    const outcome = await panelOutcome(page);
    const cp = await servedCheckpoint();
    await screenshot(page, '05-search-verified');
    expect(outcome.state).toBe('verified');
    expect(outcome.text).toContain(`Verified in your browser: entry ${firstIndex} in a log of size ${cp.size}, checkpoint signed by the log (${cp.origin})`);
    expect(outcome.text).toContain('First checkpoint of this log your browser has seen');
    expect(outcome.text).toContain(alice.fingerprint.replace(/(.{4})(?=.)/g, '$1 '));
    const stored = await page.evaluate((origin) => localStorage.getItem(`glasskey:head:${origin}`), cp.origin);
    expect(stored).not.toBeNull();
    expect(JSON.parse(stored!).note).toContain(`\n${cp.size}\n`);
  });

  test('the downloads are the bytes the log commits to', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download (armored .asc)' }).click()]);
    expect(download.suggestedFilename()).toBe(`${alice.fingerprint}.asc`);
    const served = await (await fetch(`${svc.url}/vks/v1/by-email/alice%40example.org`)).text();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(await download.path(), 'utf8')).toBe(served);
  });

  test('a second binding grows the log; the panel checks the consistency proof from the stored checkpoint', async () => {
    await page.goto(`${svc.url}/`);
    await page.getByLabel('Paste your public key (ASCII armored)').fill(alice.armored);
    await page.getByRole('button', { name: 'Upload' }).click();
    await sendLinkFor('alice@work.example');
    const link = await svc.linkFor('alice@work.example');
    const second = await confirmLink(link, 'alice@work.example');
    expect(second).toBeGreaterThan(firstIndex);
    const before = await servedCheckpoint();
    await page.goto(`${svc.url}/search?q=alice%40example.org`);
    const outcome = await panelOutcome(page);
    expect(outcome.state).toBe('verified');
    expect(outcome.text).toContain(`in a log of size ${before.size}`);
    expect(outcome.text).toMatch(/It extends the checkpoint of size \d+ your browser verified before \(consistency proof checked\)/);
    await page.reload();
    expect((await panelOutcome(page)).text).toContain('Same checkpoint as your browser verified before');
  });

  test('a search by fingerprint shows both verified addresses, each with its own verified panel', async () => {
    await page.goto(`${svc.url}/search?q=${alice.fingerprint}`);
    expect(await page.locator('[data-verify-email]').evaluateAll((s) => s.map((e) => e.getAttribute('data-verify-email')))).toEqual([
      'alice@example.org',
      'alice@work.example',
    ]);
    expect((await panelOutcome(page, 0)).state).toBe('verified');
    expect((await panelOutcome(page, 1)).state).toBe('verified');
    await screenshot(page, '06-search-fingerprint');
  });
});

describe('tampered lookups fail in the browser, each with its specific check', () => {
  const cases: [string, (r: LookupResponse) => LookupResponse, string, string][] = [
    ['entry', flipEntryByte, 'identity-mismatch', 'the log entry is not for this address'],
    ['proof', flipProofByte, 'inclusion', 'the entry is not in the log'],
    ['certificate', flipCertificateByte, 'certificate-hash', 'the key sent is not the one the log entry commits to'],
    ['checkpoint-signature', flipCheckpointSignature, 'invalid-signature', 'a checkpoint signature does not verify'],
  ];
  for (const [name, spoil, code, sentence] of cases)
    test(`a flipped byte of the ${name}: ${code}`, async () => {
      const handler = async (route: Route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res, json: spoil((await res.json()) as LookupResponse) });
      };
      await page.route('**/api/v1/lookup?*', handler);
      try {
        await page.goto(`${svc.url}/search?q=alice%40example.org`);
        const outcome = await panelOutcome(page);
        await screenshot(page, `07-tampered-${name}`);
        expect(outcome.state).toBe('failed');
        expect(outcome.code).toBe(code);
        expect(outcome.text).toContain(`Verification failed: ${sentence}`);
        expect(await page.locator('.panel-status[role="alert"]').count()).toBe(1);
      } finally {
        await page.unroute('**/api/v1/lookup?*', handler);
      }
    });

  test('an answer for another address: address-mismatch', async () => {
    const other = await (await fetch(`${svc.url}/api/v1/lookup?email=alice%40work.example`)).json();
    const handler = (route: Route) => route.fulfill({ json: other });
    await page.route('**/api/v1/lookup?*', handler);
    try {
      await page.goto(`${svc.url}/search?q=alice%40example.org`);
      const outcome = await panelOutcome(page);
      expect([outcome.state, outcome.code]).toEqual(['failed', 'address-mismatch']);
    } finally {
      await page.unroute('**/api/v1/lookup?*', handler);
    }
  });

  test('untampered again, the same page verifies (the failures were not the panel)', async () => {
    await page.goto(`${svc.url}/search?q=alice%40example.org`);
    expect((await panelOutcome(page)).state).toBe('verified');
  });
});

describe('manage and log pages', () => {
  test('removing an address through /manage: mail, confirm, gone from search', async () => {
    await page.goto(`${svc.url}/manage`);
    await screenshot(page, '08-manage');
    const seen = svc.mailsTo('alice@work.example').length;
    await page.getByLabel('Your email address').fill('alice@work.example');
    await page.getByRole('button', { name: 'Send removal link' }).click();
    await page.getByText('we mailed a removal link to it').waitFor();
    await screenshot(page, '09-manage-sent');
    const link = await svc.linkFor('alice@work.example', seen);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Confirm removal' }).waitFor();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await page.getByRole('heading', { name: 'Address removed' }).waitFor();
    await screenshot(page, '10-removed');
    const res = await page.goto(`${svc.url}/search?q=alice%40work.example`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain('No verified key for alice@work.example');
    await screenshot(page, '11-search-not-found');
  });

  test('/log shows the served checkpoint, the size chart, the policy and the monitor command', async () => {
    await page.goto(`${svc.url}/log`);
    const cp = await servedCheckpoint();
    expect(await page.locator('[data-size]').getAttribute('data-size')).toBe(String(cp.size));
    expect(await page.locator('main').innerText()).toContain('Signed by the log key');
    expect(await page.locator('figure.chart svg path.line').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
    const policy = await (await fetch(`${svc.url}/api/v1/policy`)).text();
    expect((await page.locator('pre.policy').innerText()).trimEnd()).toBe(policy.trimEnd());
    expect(await page.locator('main').innerText()).toContain(`npx glasskey-verify monitor --server ${svc.url}`);
    await screenshot(page, '12-log');
  });
});

test('no page broke the Content-Security-Policy or threw a script error', () => {
  expect(problems).toEqual([]);
});

describe('without JavaScript and on a phone', () => {
  test('the whole cycle works without JavaScript (file upload); the panel says it did not run', async () => {
    const bob = await makeKey([{ name: 'Bob', email: 'bob@example.org' }]);
    const nojs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const p = nojs.page;
      await p.goto(`${svc.url}/`);
      await p.getByLabel('or choose a key file').setInputFiles({ name: 'bob.asc', mimeType: 'application/pgp-keys', buffer: Buffer.from(bob.armored) });
      await p.getByRole('button', { name: 'Upload' }).click();
      await p.locator('tr[data-address="bob@example.org"] button').click();
      await p.getByText('We mailed a verification link to').waitFor();
      const link = await svc.linkFor('bob@example.org');
      await p.goto(link);
      await p.getByRole('button', { name: 'Confirm and publish' }).click();
      await p.getByRole('link', { name: 'See your key and check its proof' }).click();
      await p.getByRole('heading', { name: 'Key for bob@example.org' }).waitFor();
      expect(await p.locator('.panel-status').innerText()).toContain('the script did not run');
      await screenshot(p, '13-nojs-search');
    } finally {
      await nojs.close();
    }
  });

  test('a phone-sized screen: the pages fit without sideways scrolling', async () => {
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      for (const [path, name] of [
        ['/', '14-phone-home'],
        ['/search?q=alice%40example.org', '15-phone-search'],
        ['/log', '16-phone-log'],
      ]) {
        await phone.page.goto(`${svc.url}${path}`);
        if (path.startsWith('/search')) expect((await panelOutcome(phone.page)).state).toBe('verified');
        const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await screenshot(phone.page, name);
        expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
      }
    } finally {
      await phone.close();
    }
  });
});
