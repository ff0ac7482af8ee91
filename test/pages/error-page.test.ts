// The pages' error page: client errors and deliberate 503s show their own message with their
// status and headers; only our own faults (500) are replaced by a generic message and logged;
// no stack trace ever reaches the page.
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../server/http/errors.ts';
import { sendErrorPage } from '../../server/pages/error-page.tsx';
import { LogPage } from '../../server/pages/log-page.tsx';

function appThrowing(err: unknown, logged: string[]) {
  const app = new Hono();
  app.onError((e, c) => sendErrorPage(c, e, { log: (m) => logged.push(m) }));
  app.get('/', () => {
    throw err;
  });
  return app;
}

describe('sendErrorPage', () => {
  test('a 503 the server raised on purpose says why, with Retry-After, and is not logged', async () => {
    const logged: string[] = [];
    const res = await appThrowing(new ApiError(503, 'no-checkpoint', 'the log has no checkpoint to serve yet', { 'retry-after': '5' }), logged).request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const html = await res.text();
    expect(html).toContain('Not available yet');
    expect(html).toContain('the log has no checkpoint to serve yet');
    expect(logged).toEqual([]);
  });

  test('an unexpected error: generic 500 page, logged, no stack trace or message', async () => {
    const logged: string[] = [];
    const res = await appThrowing(new TypeError('secret internals at /work/main/x.ts:1:2'), logged).request('/');
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain('The server could not handle this request');
    expect(html).not.toContain('secret internals');
    expect(html).not.toMatch(/\.ts:\d+|TypeError/);
    expect(logged).toEqual(['GET /: unexpected error']);
  });

  test('a client error keeps its status and message', async () => {
    const res = await appThrowing(new ApiError(410, 'used-token', 'this link was already used'), []).request('/');
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('This link was already used');
    expect(html).toContain('Error 410.');
  });
});

test('/log before the witnesses cosigned a first checkpoint: says so, shows the rest', async () => {
  const html = String(await LogPage({ cp: null, points: [], policy: 'quorum w1\n', publicUrl: 'https://dir.example', now: new Date() }));
  expect(html).toContain('No checkpoint is served yet');
  expect(html).toContain('quorum w1');
  expect(html).toContain('Size over time');
});
