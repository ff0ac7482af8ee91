// The web pages (server/pages) and their static files, mounted at the root: / (search and
// upload), /upload, /search, /download, /manage, /log (the page; the tiles under /log/ are
// log-tiles.ts), /static/*. Every POST goes through the CSRF guard; errors are HTML pages.
// isPageRequest tells the app-wide error handler which requests get an HTML error page
// (e.g. the 413 of the body limit, which fires before the routes).
import { Hono, type Context } from 'hono';
import { csrfGuard } from '../pages/csrf.ts';
import { downloadHandler } from '../pages/download.ts';
import { sendErrorPage } from '../pages/error-page.tsx';
import { homeHandler } from '../pages/home.tsx';
import { logPageHandler } from '../pages/log-page.tsx';
import { manageHandler, manageSubmitHandler } from '../pages/manage.tsx';
import { searchHandler } from '../pages/search.tsx';
import { requestVerifyHandler, uploadHandler } from '../pages/upload.tsx';
import { panelBundle } from '../static/bundle.ts';
import { staticHandler } from '../static/routes.ts';
import type { Services } from '../services.ts';

const PAGE_PATHS = /^\/(|upload|upload\/request-verify|search|download|manage|log|static\/.*)$/;

export function isPageRequest(c: Context): boolean {
  if (PAGE_PATHS.test(c.req.path)) return true;
  return c.req.path.startsWith('/verify/') && !(c.req.header('accept') ?? '').includes('application/json');
}

export function pageRoutes(svc: Services) {
  // Build the browser bundle now, so the first search page does not wait for it.
  panelBundle().catch((err) => svc.log('could not build the transparency panel bundle', err));
  const app = new Hono();
  app.onError((err, c) => sendErrorPage(c, err, svc));
  app.get('/', homeHandler(svc));
  app.post('/upload', csrfGuard(svc), uploadHandler(svc));
  app.post('/upload/request-verify', csrfGuard(svc), requestVerifyHandler(svc));
  app.get('/search', searchHandler(svc));
  app.get('/download', downloadHandler(svc));
  app.get('/manage', manageHandler(svc));
  app.post('/manage', csrfGuard(svc), manageSubmitHandler(svc));
  app.get('/log', logPageHandler(svc));
  app.get('/static/*', staticHandler);
  return app;
}
