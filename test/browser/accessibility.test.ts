// Accessibility of the pages in a real browser: every visible form control has a label, one
// h1 and no skipped heading levels, landmarks, the skip link first in the tab order and the
// rest in reading order, a visible focus outline, and text contrast of at least 4.5:1 (WCAG
// AA) for every visible text element, computed from the styles the browser applied.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { launchBrowser, panelOutcome, type Browser } from './chromium.ts';

let svc: TestService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  svc = await startTestService();
  const key = await makeKey([{ name: 'Dana', email: 'dana@example.org' }]);
  const post = (path: string, body: unknown) =>
    fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const up = await post('/vks/v1/upload', { keytext: key.armored });
  await post('/vks/v1/request-verify', { token: up.token, addresses: ['dana@example.org'] });
  await fetch(await svc.linkFor('dana@example.org'), { method: 'POST', headers: { accept: 'application/json' } });
  browser = await launchBrowser();
  page = browser.page;
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

const PAGES = ['/', '/manage', '/log', '/search?q=dana%40example.org', '/search?q=nobody%40example.org', '/search?q=%3F'];

async function open(path: string): Promise<void> {
  await page.goto(svc.url + path);
  if (path === '/search?q=dana%40example.org') await panelOutcome(page);
}

describe('structure', () => {
  for (const path of PAGES)
    test(`${path}: labels, headings, landmarks`, async () => {
      await open(path);
      const report = await page.evaluate(() => {
        const unlabelled = [...document.querySelectorAll<HTMLInputElement>('input, textarea, select')]
          .filter((e) => e.type !== 'hidden')
          .filter((e) => (e.labels?.length ?? 0) === 0 && !e.getAttribute('aria-label'))
          .map((e) => e.outerHTML);
        const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
        const skipped = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
        const svgsWithoutName = [...document.querySelectorAll('svg')].filter((s) => !s.getAttribute('aria-labelledby') && !s.getAttribute('aria-label')).length;
        return {
          lang: document.documentElement.lang,
          title: document.title,
          unlabelled,
          h1: levels.filter((l) => l === 1).length,
          first: levels[0],
          skipped,
          main: document.querySelectorAll('main').length,
          nav: document.querySelectorAll('nav[aria-label]').length,
          svgsWithoutName,
        };
      });
      expect(report).toEqual({ lang: 'en', title: expect.stringMatching(/ · glasskey$/), unlabelled: [], h1: 1, first: 1, skipped: [], main: 1, nav: 1, svgsWithoutName: 0 });
    });
});

describe('keyboard', () => {
  test('the skip link comes first and moves focus to the main content', async () => {
    await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('tab order on the home page follows the reading order', async () => {
    await open('/');
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const e = document.activeElement as HTMLElement;
          return e.id || e.textContent?.trim() || e.tagName;
        }),
      );
    }
    expect(order).toEqual(['Skip to content', 'glasskey', 'Search & upload', 'Manage', 'The log', 'q', 'Search', 'keytext', 'keyfile', 'Upload']);
  });

  test('every focusable control shows a focus outline', async () => {
    await open('/');
    const missing = await page.evaluate(() => {
      const out: string[] = [];
      for (const e of document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), textarea')) {
        e.focus();
        const s = getComputedStyle(e);
        if (s.outlineStyle === 'none' || s.outlineWidth === '0px') out.push(e.outerHTML.slice(0, 60));
      }
      return out;
    });
    expect(missing).toEqual([]);
  });
});

describe('contrast', () => {
  for (const path of PAGES)
    test(`${path}: every visible text at least 4.5:1 against its background`, async () => {
      await open(path);
      const failures = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]: number[]) =>
          [r, g, b].map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = (e: Element | null): number[] => {
          for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        const out: string[] = [];
        let checked = 0;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement!;
          if (!n.textContent?.trim() || el.closest('svg, [hidden], .visually-hidden, .skip') || el.getClientRects().length === 0) continue;
          if (el.closest('details:not([open])') && !el.closest('summary')) continue;
          checked++;
          const fg = rgb(getComputedStyle(el).color);
          const bg = background(el);
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < 4.5) out.push(`${ratio.toFixed(2)} ${el.tagName}.${el.className}: ${n.textContent.trim().slice(0, 40)}`);
        }
        return { checked, out };
      });
      expect(failures.checked).toBeGreaterThan(5);
      expect(failures.out).toEqual([]);
    });
});
