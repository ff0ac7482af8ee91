// Web Key Directory (draft-koch-openpgp-webkey-service) for GLASSKEY_WKD_DOMAINS: the
// direct method (/.well-known/openpgpkey/hu/<hash>?l=<local>, domain from the Host header)
// and the advanced one (/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>), serving the
// binary certificate bound to the address, and the policy file each method requires.
import { Hono, type Context } from 'hono';
import { lookupPlain } from '../directory/lookup.ts';
import { wkdHash } from '../openpgp/wkd-hash.ts';
import type { Services } from '../services.ts';

const NOT_FOUND = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' };

export function wkdRoutes(svc: Services) {
  const app = new Hono();
  const domains = new Set(svc.config.wkdDomains);

  const hostDomain = (c: Context) => (c.req.header('host') ?? '').replace(/:\d+$/, '').toLowerCase();

  async function serve(c: Context, domain: string, hash: string) {
    if (!domains.has(domain)) return c.text('this server does not serve WKD for that domain\n', 404, NOT_FOUND);
    const local = c.req.query('l');
    if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/.test(hash)) return c.text('not a WKD hash\n', 404, NOT_FOUND);
    if (!local) return c.text('the l= parameter (the local part) is required\n', 404, NOT_FOUND);
    if (wkdHash(local) !== hash) return c.text('the hash does not match l=\n', 404, NOT_FOUND);
    let found;
    try {
      found = await lookupPlain(svc, `${local}@${domain}`);
    } catch {
      found = null;
    }
    if (!found) return c.text('no key for this address\n', 404, NOT_FOUND);
    return c.body(found.certificate as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
  }

  const policy = (c: Context, domain: string) =>
    domains.has(domain) ? c.body('', 200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }) : c.text('not served\n', 404, NOT_FOUND);

  app.get('/policy', (c) => policy(c, hostDomain(c)));
  app.get('/hu/:hash', (c) => serve(c, hostDomain(c), c.req.param('hash')));
  app.get('/:domain/policy', (c) => policy(c, c.req.param('domain').toLowerCase()));
  app.get('/:domain/hu/:hash', (c) => serve(c, c.req.param('domain').toLowerCase(), c.req.param('hash')));
  return app;
}
