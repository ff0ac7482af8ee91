// Debian's chromium driven by playwright-core (no browser download): a persistent context on
// a fresh user data directory per call, removed on close. Screenshots go to
// test-output/screenshots/ (gitignored) for people to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.GLASSKEY_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'glasskey-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: opts.viewport ?? { width: 1100, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOT_DIR = resolve('test-output', 'screenshots');

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until every transparency panel on the page has finished (verified or failed). */
export async function panelOutcome(page: Page, index = 0): Promise<{ state: string; code?: string; text: string }> {
  const panel = page.locator('[data-verify-email]').nth(index);
  await page.waitForFunction(
    (i) => {
      const s = document.querySelectorAll<HTMLElement>('[data-verify-email]')[i];
      return s && (s.dataset.state === 'verified' || s.dataset.state === 'failed');
    },
    index,
    { timeout: 20_000 },
  );
  return {
    state: (await panel.getAttribute('data-state')) ?? '',
    code: (await panel.getAttribute('data-code')) ?? undefined,
    text: (await panel.locator('.panel-status').innerText()).replace(/\s+/g, ' '),
  };
}
