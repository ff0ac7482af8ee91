// GET /download?q=<address|fingerprint|key ID>&format=asc|pgp: the key the search page
// shows, as an attachment, armored or binary (the exact bytes served for an address).
import type { Context } from 'hono';
import { ApiError } from '../http/errors.ts';
import { armorCertificate } from '../openpgp/filter.ts';
import type { Services } from '../services.ts';
import { findKeys, noKeyFound } from './key-lookup.ts';
import { parseSearchQuery } from './search-query.ts';

export function downloadHandler(svc: Services) {
  return async (c: Context) => {
    const format = c.req.query('format') ?? 'asc';
    if (format !== 'asc' && format !== 'pgp') throw new ApiError(400, 'bad-format', 'format must be "asc" (armored) or "pgp" (binary).');
    const q = parseSearchQuery(c.req.query('q'));
    const found = await findKeys(svc, q);
    if (found.length === 0) throw noKeyFound(q);
    const name = found.length === 1 ? found[0].fingerprint : q.kind === 'keyid' ? q.keyId : 'keys';
    const headers = {
      'content-type': 'application/pgp-keys',
      'content-disposition': `attachment; filename="${name}.${format}"`,
      'cache-control': 'no-cache',
    };
    if (format === 'asc') return c.body(found.map((f) => armorCertificate(f.binary)).join(''), 200, headers);
    const all = Buffer.concat(found.map((f) => f.binary));
    return c.body(new Uint8Array(all), 200, headers);
  };
}
