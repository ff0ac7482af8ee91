import { test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { startTestService } from '../helpers/service.ts';
test('scratch', async () => {
  const svc = await startTestService();
  (globalThis as any).svc = svc;
  const poll = setInterval(() => {
    writeFileSync('/tmp/gk-scratch.json', JSON.stringify({ url: svc.url, mails: svc.smtp.received.map((r) => ({ to: r.rcptTo, text: r.parsed.text })) }, null, 1));
  }, 500);
  await new Promise((r) => setTimeout(r, 1500_000));
  clearInterval(poll);
  await svc.close();
}, 2000_000);
