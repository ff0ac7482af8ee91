// The panel's policy and history checks in the browser. A policy with a witness (served to
// the page with the witness added, the lookup's checkpoint cosigned by it): the panel names
// the witness and the cosignature time; a stale cosignature and a missing one fail with
// their codes. The HeadStore in localStorage: a stored checkpoint of the same log that is
// larger (rollback) or of the same size with another root (split view; both signed with the
// log's real key, as a lying log would) makes the panel fail and say why.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Route } from 'playwright-core';
import {
  formatTlogProof,
  HEAD_FORMAT,
  parseCheckpoint,
  parseNote,
  parsePolicy,
  parseTlogProof,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  verifySplitViewEvidence,
  type LookupResponse,
} from '@glasskey/verifier';
import { cosign, generateSigner, signNote } from '../../log/note-signer.ts';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { launchBrowser, panelOutcome, screenshot, type Browser } from './chromium.ts';

let svc: TestService;
let browser: Browser;
const witness = generateSigner('witness-one.test/w', SIGNATURE_TYPE_COSIGNATURE_V1);
const ADDRESS = 'carol@example.org';

beforeAll(async () => {
  svc = await startTestService();
  const key = await makeKey([{ name: 'Carol', email: ADDRESS }]);
  const post = (path: string, body: unknown) =>
    fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const up = await post('/vks/v1/upload', { keytext: key.armored });
  await post('/vks/v1/request-verify', { token: up.token, addresses: [ADDRESS] });
  const res = await fetch(await svc.linkFor(ADDRESS), { method: 'POST', headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});
beforeEach(async () => {
  await browser.context.unrouteAll();
  await browser.page.goto(`${svc.url}/`);
  await browser.page.evaluate(() => localStorage.clear());
});

/** Serves the page the log's policy with witness-one added and required. */
async function requireWitness(): Promise<void> {
  await browser.context.route('**/api/v1/policy', async (route: Route) => {
    const res = await route.fetch();
    const text = (await res.text()).replace('quorum none\n', '');
    await route.fulfill({ response: res, body: `${text}witness witness-one ${witness.vkey}\nquorum witness-one\n` });
  });
}

/** Adds witness-one's cosignature, made at `secondsAgo`, to the lookup's checkpoint. */
async function cosignLookups(secondsAgo: number | null): Promise<void> {
  await browser.context.route('**/api/v1/lookup?*', async (route: Route) => {
    const res = await route.fetch();
    const body = (await res.json()) as LookupResponse;
    if (secondsAgo !== null) {
      const p = parseTlogProof(body.proof);
      const line = cosign(parseNote(p.checkpoint).text, witness, Math.floor(Date.now() / 1000) - secondsAgo);
      body.proof = formatTlogProof({ ...p, checkpoint: p.checkpoint + line });
    }
    await route.fulfill({ response: res, json: body });
  });
}

async function search() {
  await browser.page.goto(`${svc.url}/search?q=${encodeURIComponent(ADDRESS)}`);
  return panelOutcome(browser.page);
}

describe('a policy with a witness', () => {
  test('cosigned a minute ago: verified, naming the witness and the time', async () => {
    await requireWitness();
    await cosignLookups(60);
    const out = await search();
    await screenshot(browser.page, '30-panel-cosigned');
    expect(out.state).toBe('verified');
    expect(out.text).toMatch(/checkpoint signed by the log \([^)]+\) and cosigned by witness-one at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
  });

  test('cosigned two days ago: stale-checkpoint', async () => {
    await requireWitness();
    await cosignLookups(2 * 86400);
    const out = await search();
    expect([out.state, out.code]).toEqual(['failed', 'stale-checkpoint']);
    expect(out.text).toContain("the checkpoint's newest cosignature is too old");
  });

  test('not cosigned: quorum-not-met', async () => {
    await requireWitness();
    await cosignLookups(null);
    const out = await search();
    await screenshot(browser.page, '31-panel-quorum-not-met');
    expect([out.state, out.code]).toEqual(['failed', 'quorum-not-met']);
    expect(out.text).toContain('lacks the witness cosignatures the policy requires');
  });
});

describe("the browser's checkpoint history (HeadStore in localStorage)", () => {
  async function storeHead(sizeDelta: number, root: Buffer): Promise<{ origin: string; size: number }> {
    const served = parseCheckpoint(parseNote(await (await fetch(`${svc.url}/log/checkpoint`)).text()).text);
    const size = served.size + sizeDelta;
    const note = signNote(`${served.origin}\n${size}\n${root.toString('base64')}\n`, [svc.keys.signer]);
    await browser.page.evaluate(
      ([key, value]) => localStorage.setItem(key, value),
      [`glasskey:head:${served.origin}`, JSON.stringify({ format: HEAD_FORMAT, note })],
    );
    return { origin: served.origin, size };
  }

  test('a stored checkpoint larger than the one served: rollback', async () => {
    const stored = await storeHead(5, Buffer.alloc(32, 9));
    const out = await search();
    await screenshot(browser.page, '32-panel-rollback');
    expect([out.state, out.code]).toEqual(['failed', 'rollback']);
    expect(out.text).toContain(`smaller than the verified ${stored.size}`);
  });

  test('a stored checkpoint of the same size with another root: split-view', async () => {
    await storeHead(0, Buffer.alloc(32, 3));
    const out = await search();
    await screenshot(browser.page, '33-panel-split-view');
    expect([out.state, out.code]).toEqual(['failed', 'split-view']);
    expect(out.text).toContain('two histories that cannot both be true');
    const evidence = JSON.parse((await browser.page.locator('.panel-status details pre').textContent()) ?? '');
    expect(evidence.format).toBe('glasskey-split-view-evidence/v1');
    const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
    expect(verifySplitViewEvidence(evidence, policy).kind).toBe('same-size-different-roots');
  });

  test('with the history cleared, the same lookup verifies again', async () => {
    expect((await search()).state).toBe('verified');
  });
});
