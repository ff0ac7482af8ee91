// CSRF protection for every form the pages post: (1) the request must come from this site,
// by its Origin or Sec-Fetch-Site header when the browser sends them; (2) a form body must
// carry the token from this browser's CSRF cookie (double submit; HttpOnly, SameSite=Lax),
// which also protects browsers that send neither header. Programs that are not browsers and
// post no form (POST /verify/<token> with accept: application/json) pass: without a cookie
// a cross-site page cannot make a form post succeed, and such a program is not a victim.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../http/errors.ts';
import { formBody } from '../http/request.ts';
import type { Services } from '../services.ts';

export const CSRF_FIELD = 'csrf';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/** __Host- cookies need https; on plain http (localhost) the name goes without the prefix. */
function cookieName(svc: Services): string {
  return svc.config.publicUrl.startsWith('https:') ? '__Host-glasskey-csrf' : 'glasskey-csrf';
}

const issued = new WeakMap<Context, string>();

/** This browser's CSRF token for hidden form fields; sets the cookie when it has none yet. */
export function csrfToken(c: Context, svc: Services): string {
  const already = issued.get(c);
  if (already) return already;
  let token = getCookie(c, cookieName(svc));
  if (!token || !TOKEN_SHAPE.test(token)) {
    token = randomBytes(16).toString('base64url');
    setCookie(c, cookieName(svc), token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: svc.config.publicUrl.startsWith('https:') });
  }
  issued.set(c, token);
  return token;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const forged = () =>
  new ApiError(403, 'csrf', 'This form did not come from a glasskey page, or it is too old. Go back, reload the page and send it again.');

const parsedForms = new WeakMap<Context, Record<string, string | Uint8Array>>();

/** The form the guard already read and checked (the handler's view of the body). */
export function checkedForm(c: Context): Record<string, string | Uint8Array> {
  const form = parsedForms.get(c);
  if (!form) throw new Error('checkedForm: the route has no csrfGuard');
  return form;
}

/**
 * Middleware for page POSTs. allowFormless: let a request without a form body through
 * when no browser header says it is cross-site (the JSON confirmation of mailed links).
 */
export function csrfGuard(svc: Services, opts: { allowFormless?: boolean } = {}): MiddlewareHandler {
  const ownOrigins = new Set([new URL(svc.config.publicUrl).origin]);
  return async (c, next) => {
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw forged();
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin && !ownOrigins.has(origin)) throw forged();
    const type = c.req.header('content-type') ?? '';
    if (opts.allowFormless && !FORM_TYPES.test(type)) {
      parsedForms.set(c, {});
      return next();
    }
    if (!FORM_TYPES.test(type)) throw new ApiError(415, 'not-a-form', 'This address takes a form submitted from a glasskey page.');
    const form = await formBody(c);
    const sent = form[CSRF_FIELD];
    const cookie = getCookie(c, cookieName(svc));
    if (typeof sent !== 'string' || !cookie || !sameToken(sent, cookie)) throw forged();
    parsedForms.set(c, form);
    return next();
  };
}
