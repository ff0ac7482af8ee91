// The pages with two real witnesses (quorum: both) in a real browser: the panel says the
// checkpoint was signed by the log and cosigned by w1 and w2 at their times, the same times
// the served checkpoint's cosignatures carry; /log lists both cosignatures as verified, with
// their ages, and the policy with the witnesses and the quorum.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openCheckpoint, parsePolicy } from '@glasskey/verifier';
import { generateSigner } from '../../log/note-signer.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { startTestWitness, type TestWitness } from '../witness/witness-fixture.ts';
import { launchBrowser, panelOutcome, screenshot, type Browser } from './chromium.ts';

let svc: TestService;
let w1: TestWitness;
let w2: TestWitness;
let browser: Browser;
const origin = 'witnessed-pages.test/log';
const ADDRESS = 'erin@example.org';

beforeAll(async () => {
  const logKey = generateSigner(origin);
  w1 = await startTestWitness([`log ${logKey.vkey}`], { name: 'w1.test/witness' });
  w2 = await startTestWitness([`log ${logKey.vkey}`], { name: 'w2.test/witness' });
  const file = join(mkdtempSync(join(tmpdir(), 'glasskey-witnesses-')), 'witnesses');
  writeFileSync(file, [`witness w1 ${w1.running!.vkey} ${w1.url}`, `witness w2 ${w2.running!.vkey} ${w2.url}`, 'group both all w1 w2', 'quorum both', ''].join('\n'));
  svc = await startTestService({ GLASSKEY_ORIGIN: origin, GLASSKEY_LOG_KEY: logKey.privateKey, GLASSKEY_WITNESSES_FILE: file, GLASSKEY_WITNESS_REFRESH_SECONDS: '1' });
  const key = await makeKey([{ name: 'Erin', email: ADDRESS }]);
  const up = await (await fetch(`${svc.url}/vks/v1/upload`, { method: 'POST', body: JSON.stringify({ keytext: key.armored }) })).json();
  await fetch(`${svc.url}/vks/v1/request-verify`, { method: 'POST', body: JSON.stringify({ token: up.token, addresses: [ADDRESS] }) });
  expect((await fetch(await svc.linkFor(ADDRESS), { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(200);
  for (let end = Date.now() + 20_000; (await fetch(`${svc.url}/api/v1/lookup?email=${ADDRESS}`)).status !== 200; ) {
    if (Date.now() > end) throw new Error('the binding was never served (no cosigned checkpoint covering it)');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await w1?.close();
  await w2?.close();
});

test('the panel names both witnesses and the times of their cosignatures', async () => {
  await browser.page.goto(`${svc.url}/search?q=${encodeURIComponent(ADDRESS)}`);
  const out = await panelOutcome(browser.page);
  await screenshot(browser.page, '34-witnessed-search');
  expect(out.state).toBe('verified');
  const m = /checkpoint signed by the log \(witnessed-pages\.test\/log\) and cosigned by (w\d) at ([\d-]+ [\d:]+) UTC, (w\d) at ([\d-]+ [\d:]+) UTC\./.exec(out.text);
  expect(m, out.text).not.toBeNull();
  expect([m![1], m![3]]).toEqual(['w1', 'w2']);
  // The times shown are the cosignatures' own, within a minute of now (the refresh is 1 s).
  for (const t of [m![2], m![4]]) expect(Math.abs(Date.parse(`${t.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(60_000);
});

test('/log lists both cosignatures as verified, with their ages, and the policy with the quorum', async () => {
  await browser.page.goto(`${svc.url}/log`);
  await screenshot(browser.page, '35-witnessed-log');
  const items = await browser.page.locator('ul.signatures li[data-witness]').evaluateAll((li) => li.map((e) => [e.getAttribute('data-witness'), e.textContent]));
  expect(items.map(([w]) => w)).toEqual(['w1', 'w2']);
  for (const [, text] of items) expect(text).toMatch(/Cosigned by w\d at \d{4}-\d\d-\d\d \d\d:\d\d UTC \((\d+ seconds?|1 minute) ago\) verified/);
  const policyText = await (await fetch(`${svc.url}/api/v1/policy`)).text();
  expect(await browser.page.locator('pre.policy').textContent()).toBe(policyText);
  const policy = parsePolicy(policyText);
  const served = openCheckpoint(await (await fetch(`${svc.url}/log/checkpoint`)).text(), policy);
  expect(await browser.page.locator('[data-size]').getAttribute('data-size')).toBe(String(served.size));
});
