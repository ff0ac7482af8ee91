// What a web page on another site may do here. The rule (README.md, "Browsers and CORS"):
// - Reads are open: GET and HEAD of the read endpoints (READ_PATHS) answer any origin with
//   Access-Control-Allow-Origin: * (no credentials: cookies are neither needed nor
//   allowed), and their preflights (OPTIONS asking for GET or HEAD) are answered.
// - Writes are not: no state-changing request gets a CORS header, a preflight asking for
//   any other method is refused, and a state-changing request that a browser marks as coming
//   from another website (Sec-Fetch-Site: cross-site or same-site; without that header, an
//   Origin that is not this server's) is refused with 403 before it does anything. That covers the "simple"
//   requests (form posts, text/plain bodies) a browser sends without a preflight. Programs
//   that are not browsers send neither header and are not affected, and neither are browser
//   extensions (Origin chrome-extension://, moz-extension://, safari-web-extension://), which
//   their users installed. The web pages' own forms have the stricter CSRF guard
//   (server/pages/csrf.ts) and are left to it.
import type { Context, MiddlewareHandler } from 'hono';

/** The read endpoints, by path; only their GET and HEAD are opened to other origins. */
export const READ_PATHS = /^\/(api\/v1\/|vks\/v1\/by-(email|fingerprint|keyid)\/|pks\/lookup$|log\/(checkpoint$|tile\/)|\.well-known\/openpgpkey\/)/;

const READ_METHODS = new Set(['GET', 'HEAD']);
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9._-]+$/;
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

function isRead(c: Context): boolean {
  return READ_METHODS.has(c.req.method) && READ_PATHS.test(c.req.path);
}

/** CORS for the read endpoints: the header on every answer (errors too), and preflights. */
export function readCors(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' && READ_PATHS.test(c.req.path) && c.req.header('origin') !== undefined) {
      const wanted = (c.req.header('access-control-request-method') ?? '').toUpperCase();
      // Anything but a read: no CORS headers, so the browser does not send the request.
      if (!READ_METHODS.has(wanted)) return c.body(null, 403, { 'cache-control': 'no-store' });
      const headers: Record<string, string> = {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-max-age': '86400',
        'cache-control': 'no-store',
      };
      // No credentials are ever allowed, so any request header may come with a read.
      const asked = c.req.header('access-control-request-headers');
      if (asked && asked.length <= 1000 && HEADER_LIST.test(asked.trim())) headers['access-control-allow-headers'] = asked.trim();
      return c.body(null, 204, headers);
    }
    await next();
    if (!isRead(c)) return;
    c.res.headers.set('access-control-allow-origin', '*');
    c.res.headers.set('access-control-expose-headers', 'Retry-After');
    c.res.headers.set('cross-origin-resource-policy', 'cross-origin');
  };
}

/** Whether the browser that sent this request says it comes from another website. */
export function fromAnotherSite(c: Context, ownOrigins: ReadonlySet<string>): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined && EXTENSION_ORIGIN.test(origin)) return false;
  // A browser's own word first: "none" is a request no web page made (typed, bookmarked, or
  // from the browser's or a mail client's privileged code), whatever its Origin says.
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  return origin !== undefined && origin !== new URL(c.req.url).origin && !ownOrigins.has(origin);
}

/**
 * Refuses state-changing requests from other websites on the API paths (not the pages,
 * which csrfGuard protects); HKP gets its error as plain text, the rest as JSON.
 */
export function crossSiteWriteGuard(publicUrl: string, isPage: (c: Context) => boolean): MiddlewareHandler {
  const own = new Set([new URL(publicUrl).origin]);
  return async (c, next) => {
    const m = c.req.method;
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS' || isPage(c) || !fromAnotherSite(c, own)) return next();
    const message = 'requests that change something are not accepted from other websites';
    if (c.req.path.startsWith('/pks/')) return c.text(message + '\n', 403, { 'cache-control': 'no-store' });
    return c.json({ error: message, code: 'cross-site' }, 403, { 'cache-control': 'no-store' });
  };
}
