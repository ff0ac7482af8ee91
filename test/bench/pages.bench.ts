// The web pages' figures: the transparency panel's browser bundle (the verifier with its
// @noble dependencies and the panel code), minified and gzipped, against the 30 KB target;
// and how long the panel takes from page load to "verified" in Debian's chromium on
// localhost: the median (and p90) of 20 loads of a search result whose address was bound
// through the real upload, mail and confirm path. Each load's time is the page's own
// performance.now() when the panel turned green, i.e. from navigation start (HTML, CSS,
// bundle, policy, lookup, every check, HeadStore update). Loads repeat in one browser
// profile, so from the second on the HeadStore holds the checkpoint (the common case of a
// returning visitor); a separate figure clears localStorage before each load (first visit).
//
// Environment: BENCH_PAGES_LOADS (20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { freePort } from '../../server/db/free-port.ts';
import type { MailTransport } from '../../server/mail/index.ts';
import { startService } from '../../server/start.ts';
import { buildPanelBundle } from '../../server/static/bundle.ts';
import { launchBrowser } from '../browser/chromium.ts';
import { makeKey } from '../helpers/keys.ts';
import type { BenchContext, BenchModule, BenchRow } from './bench-types.ts';

const LOADS = Number(process.env.BENCH_PAGES_LOADS ?? 20);
const TARGET_GZIP_BYTES = 30 * 1024;
const ADDRESS = 'bench@example.org';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function bundleRows(): Promise<BenchRow[]> {
  const b = await buildPanelBundle();
  return [
    { name: 'panel bundle, minified', value: b.code.length / 1024, unit: 'KiB', note: `${b.code.length} bytes` },
    {
      name: 'panel bundle, minified + gzip -9',
      value: b.gzipped.length / 1024,
      unit: 'KiB',
      note: `${b.gzipped.length} bytes; target <= 30 KiB: ${b.gzipped.length <= TARGET_GZIP_BYTES ? 'met' : 'MISSED'}`,
    },
  ];
}

/** Mail goes into this array instead of SMTP or the console. */
function capturingTransport(mails: { to: string; text: string }[]): MailTransport {
  let n = 0;
  return {
    kind: 'console',
    description: 'captured by the benchmark',
    async send(mail) {
      mails.push({ to: mail.to, text: mail.text });
      return { messageId: `<bench-${++n}@glasskey.bench>` };
    },
    close() {},
  };
}

async function bindAddress(url: string, mails: { to: string; text: string }[]): Promise<void> {
  const key = await makeKey([{ name: 'Bench', email: ADDRESS }]);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  const up = await post('/vks/v1/upload', { keytext: key.armored });
  await post('/vks/v1/request-verify', { token: up.token, addresses: [ADDRESS] });
  const deadline = Date.now() + 20_000;
  let link: string | undefined;
  while (!link && Date.now() < deadline) {
    link = mails.map((m) => /https?:\/\/\S+\/verify\/[A-Za-z0-9_-]+/.exec(m.text)?.[0]).find(Boolean);
    if (!link) await new Promise((r) => setTimeout(r, 100));
  }
  if (!link) throw new Error('no verification mail arrived');
  const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`confirm: HTTP ${res.status}`);
}

async function panelTimes(url: string, loads: number, clearFirst: boolean): Promise<number[]> {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    const search = `${url}/search?q=${encodeURIComponent(ADDRESS)}`;
    await page.goto(search); // warm-up: bundle cached by the server, HTTP cache of the browser
    const times: number[] = [];
    for (let i = 0; i < loads; i++) {
      if (clearFirst) await page.evaluate(() => localStorage.clear());
      await page.goto(search);
      await page.waitForFunction(() => {
        const s = document.querySelector<HTMLElement>('[data-verify-email]');
        return s?.dataset.state === 'verified' || s?.dataset.state === 'failed';
      });
      const state = await page.locator('[data-verify-email]').getAttribute('data-state');
      if (state !== 'verified') throw new Error(`load ${i}: the panel says ${state}: ${await page.locator('.panel-status').innerText()}`);
      times.push(Number(await page.locator('[data-verify-email]').getAttribute('data-ms')));
    }
    return times;
  } finally {
    await browser.close();
  }
}

const bench: BenchModule = {
  name: 'pages',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows = await bundleRows();
    const { url: databaseUrl } = await ctx.database('bench_pages');
    const dataDir = mkdtempSync(join(tmpdir(), 'glasskey-bench-pages-'));
    const mails: { to: string; text: string }[] = [];
    const config = loadConfig({ PORT: String(await freePort()), HOST: '127.0.0.1', GLASSKEY_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
    const service = await startService(config, { mailTransport: capturingTransport(mails), sequencerIntervalMs: 100, mailPollingSeconds: 0.5, log: () => {} });
    try {
      await bindAddress(service.url, mails);
      ctx.log(`pages: ${LOADS} panel loads, returning visitor`);
      const returning = (await panelTimes(service.url, LOADS, false)).sort((a, b) => a - b);
      ctx.log(`pages: ${LOADS} panel loads, first visit`);
      const first = (await panelTimes(service.url, LOADS, true)).sort((a, b) => a - b);
      rows.push(
        {
          name: `panel: page load to "verified", median of ${LOADS}`,
          value: median(returning),
          unit: 'ms',
          note: `returning visitor (checkpoint in the HeadStore); p90 ${quantile(returning, 0.9).toFixed(1)} ms, min ${returning[0].toFixed(1)} ms`,
        },
        {
          name: `panel: page load to "verified", median of ${LOADS}, first visit`,
          value: median(first),
          unit: 'ms',
          note: `localStorage cleared before each load; p90 ${quantile(first, 0.9).toFixed(1)} ms`,
        },
      );
    } finally {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return rows;
  },
};

export default bench;
