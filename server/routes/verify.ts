// The mailed links: GET /verify/<token> shows what will be bound or removed and a confirm
// button (link scanners that only GET change nothing); POST confirms, appends the entry and
// answers once it is integrated, with its log index. JSON when the client asks for it
// (accept: application/json), otherwise the pages of server/pages/verify-pages.tsx. The
// browser's confirmation is a CSRF-protected form; a JSON client posts no form.
import { Hono, type Context } from 'hono';
import { confirmToken, inspectToken } from '../directory/verification.ts';
import { describeError } from '../http/errors.ts';
import { csrfGuard, csrfToken } from '../pages/csrf.ts';
import { sendErrorPage } from '../pages/error-page.tsx';
import { sendPage } from '../pages/render.ts';
import { ConfirmedPage, ConfirmPage } from '../pages/verify-pages.tsx';
import type { Services } from '../services.ts';

export function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

const PRIVATE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

export function verifyRoutes(svc: Services) {
  const app = new Hono();
  app.onError((err, c) => {
    if (!wantsJson(c)) return sendErrorPage(c, err, svc);
    const d = describeError(err);
    if (d.status >= 500) svc.log(`${c.req.method} ${c.req.path}: unexpected error`, err);
    return c.json({ error: d.error, code: d.code }, d.status as 400, d.headers);
  });

  app.get('/:token', async (c) => {
    const token = c.req.param('token');
    const link = await inspectToken(svc, token);
    const action = `/verify/${encodeURIComponent(token)}`;
    return sendPage(c, ConfirmPage({ link, csrf: csrfToken(c, svc), action }), 200, PRIVATE);
  });

  app.post('/:token', csrfGuard(svc, { allowFormless: true }), async (c) => {
    const done = await confirmToken(svc, c.req.param('token'));
    if (wantsJson(c)) return c.json(done);
    return sendPage(c, ConfirmedPage({ done, witnessed: svc.policyWitnessLines().length > 0 }), 200, PRIVATE);
  });
  return app;
}
