import { afterAll, beforeAll, test } from 'vitest';
import { makeKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { launchBrowser, panelOutcome } from './chromium.ts';
let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  const key = await makeKey([{ email: 'p@example.org' }]);
  const post = (path: string, body: unknown) => fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const up = await post('/vks/v1/upload', { keytext: key.armored });
  await post('/vks/v1/request-verify', { token: up.token, addresses: ['p@example.org'] });
  await fetch(await svc.linkFor('p@example.org'), { method: 'POST', headers: { accept: 'application/json' } });
});
afterAll(async () => svc?.close());
test('profile', async () => {
  const b = await launchBrowser();
  for (let i = 0; i < 6; i++) {
    await b.page.goto(`${svc.url}/search?q=p%40example.org`);
    await panelOutcome(b.page);
    const r = await b.page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => `${e.name.replace(/^.*\//, '')} ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`);
      return `doc ${nav.responseStart.toFixed(0)}/${nav.responseEnd.toFixed(0)} dcl ${nav.domContentLoadedEventStart.toFixed(0)} | ${res.join(' | ')} | done ${document.querySelector<HTMLElement>('[data-verify-email]')!.dataset.ms}`;
    });
    console.log(r);
  }
  await b.close();
});
