// The mailed links: GET /verify/<token> shows what will be bound or removed and a confirm
// button (link scanners that only GET change nothing); POST confirms, appends the entry and
// answers once it is integrated, with its log index. JSON when the client asks for it.
import { Hono, type Context } from 'hono';
import { confirmToken, inspectToken } from '../directory/verification.ts';
import { describeError } from '../http/errors.ts';
import { escapeHtml, page } from '../http/html.ts';
import type { Services } from '../services.ts';

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

export function verifyRoutes(svc: Services) {
  const app = new Hono();
  app.onError((err, c) => {
    const d = describeError(err);
    if (d.status >= 500) svc.log(`${c.req.method} ${c.req.path}: unexpected error`, err);
    if (wantsJson(c)) return c.json({ error: d.error, code: d.code }, d.status as 400, d.headers);
    return c.html(page('This link cannot be used', `<p>${escapeHtml(d.error)}</p>`), d.status as 400, d.headers);
  });

  app.get('/:token', async (c) => {
    const link = await inspectToken(svc, c.req.param('token'));
    const what =
      link.action === 'bind'
        ? `Publish the key <code>${escapeHtml(link.fingerprint)}</code> for <strong>${escapeHtml(link.address)}</strong>?`
        : `Remove <strong>${escapeHtml(link.address)}</strong> from the directory (key <code>${escapeHtml(link.fingerprint)}</code>)?`;
    return c.html(
      page(link.action === 'bind' ? 'Confirm your address' : 'Confirm removal', `<p>${what}</p>
<form method="post"><button type="submit">${link.action === 'bind' ? 'Confirm and publish' : 'Confirm removal'}</button></form>`),
      200,
      { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    );
  });

  app.post('/:token', async (c) => {
    const done = await confirmToken(svc, c.req.param('token'));
    if (wantsJson(c)) return c.json(done);
    const where = done.index === null ? 'Nothing had changed.' : `Logged as entry ${done.index} of the transparency log.`;
    const body =
      done.action === 'bind'
        ? `<p><strong>${escapeHtml(done.address)}</strong> is now bound to key <code>${escapeHtml(done.fingerprint)}</code>. ${where}</p>`
        : `<p><strong>${escapeHtml(done.address)}</strong> was removed. ${where}</p>`;
    return c.html(page('Done', body), 200, { 'cache-control': 'no-store' });
  });
  return app;
}
