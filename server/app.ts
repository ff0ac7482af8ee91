// The HTTP application: every route of the directory on one hono app, with the 1 MiB body
// limit, security headers, the cross-origin rule (http/cross-origin.ts), and JSON errors
// (never a stack trace).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { crossSiteWriteGuard, readCors } from './http/cross-origin.ts';
import { ApiError, jsonError } from './http/errors.ts';
import { apiRoutes } from './routes/api.ts';
import { hkpRoutes } from './routes/hkp.ts';
import { logTileRoutes } from './routes/log-tiles.ts';
import { mailvelopeRoutes } from './routes/mailvelope.ts';
import { isPageRequest, pageRoutes } from './routes/pages.ts';
import { sendErrorPage } from './pages/error-page.tsx';
import { verifyRoutes } from './routes/verify.ts';
import { vksRoutes } from './routes/vks.ts';
import { wkdRoutes } from './routes/wkd.ts';
import type { Services } from './services.ts';

/** Largest request body accepted anywhere. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(svc: Services) {
  const app = new Hono();
  // Outermost, so that its Cross-Origin-Resource-Policy for reads is the one sent.
  app.use(readCors());
  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"] },
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
    }),
  );
  app.use(crossSiteWriteGuard(svc.config.publicUrl, isPageRequest));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      const message = `request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit`;
      // HKP clients read plain-text errors (the /pks routes answer every other error so).
      if (c.req.path.startsWith('/pks/')) return c.text(message + '\n', 413);
      throw new ApiError(413, 'body-too-large', message);
    },
  });
  // GET and HEAD requests carry no body (the node adapter gives them none), so the limit has
  // nothing to check there; skipping it spares every lookup the full Request object it builds.
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.onError((err, c) => (isPageRequest(c) ? sendErrorPage(c, err, svc) : jsonError(c, err, svc.log)));
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}`, code: 'not-found' }, 404));

  app.route('/api/v1/key', mailvelopeRoutes(svc));
  app.route('/api/v1', apiRoutes(svc));
  app.route('/vks/v1', vksRoutes(svc));
  app.route('/pks', hkpRoutes(svc));
  app.route('/.well-known/openpgpkey', wkdRoutes(svc));
  app.route('/log', logTileRoutes(svc));
  app.route('/verify', verifyRoutes(svc));
  app.route('/', pageRoutes(svc));
  return app;
}
