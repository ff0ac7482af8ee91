// The keys.openpgp.org VKS API (/vks/v1): upload, request-verify, and lookups by email,
// fingerprint and key ID returning application/pgp-keys. Errors are JSON {error, code}.
import { Hono } from 'hono';
import { lookupByKey, lookupPlain } from '../directory/lookup.ts';
import { uploadCertificates } from '../directory/upload.ts';
import { requestVerification } from '../directory/verification.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp, jsonBody, stringField } from '../http/request.ts';
import { armorCertificate } from '../openpgp/filter.ts';
import { hitPolicy, ipSubject } from '../ratelimit/index.ts';
import type { Services } from '../services.ts';
import { addressStatuses } from '../directory/status.ts';
import { loadCertificate } from '../openpgp/load.ts';
import { certificateByFingerprint } from '../directory/queries.ts';
import { isTokenShaped, tokenHash } from '../directory/tokens.ts';
import { normalizeAddress } from '@glasskey/verifier';

const PGP_KEYS = { 'content-type': 'application/pgp-keys', 'cache-control': 'no-cache' };

export async function limitUploads(svc: Services, ip: string | undefined): Promise<void> {
  if (!ip) return;
  const r = await hitPolicy(svc.sql, svc.rates.uploadPerIp, ipSubject(ip));
  if (!r.allowed) throw new ApiError(429, 'rate-limited', `too many uploads; try again in ${r.retryAfter} s`, { 'retry-after': String(r.retryAfter) });
}

function notFound(): never {
  throw new ApiError(404, 'not-found', 'no key found');
}

/**
 * request-verify. Thunderbird asks for every address of its upload's answer that is not
 * "published", revoked ones included: a revoked address is left out (its status says
 * "revoked") instead of failing the whole request. Anything else is as requestVerification
 * says (an address not in the certificate is a 400; the rate limit a 429).
 */
async function requestAsThunderbirdAsks(svc: Services, token: string, addresses: string[], ip: string | undefined): Promise<string> {
  const found = isTokenShaped(token) ? await svc.sql`SELECT fingerprint FROM upload_tokens WHERE token_hash = ${tokenHash(token)} AND expires_at > ${svc.now()}` : [];
  const stored = found.length > 0 ? await certificateByFingerprint(svc.sql, found[0].fingerprint as string) : undefined;
  if (!stored) return (await requestVerification(svc, token, addresses, ip)).fingerprint; // its errors
  const status = await addressStatuses(svc.sql, await loadCertificate(stored.data, svc.now()), svc.now());
  const revoked = (a: string) => {
    try {
      return status[normalizeAddress(a)] === 'revoked';
    } catch {
      return false;
    }
  };
  const rest = addresses.filter((a) => !revoked(a));
  if (rest.length > 0) await requestVerification(svc, token, rest, ip);
  return stored.fingerprint;
}

export function vksRoutes(svc: Services) {
  const app = new Hono();

  app.post('/upload', async (c) => {
    const body = await jsonBody(c);
    const keytext = stringField(body, 'keytext');
    await limitUploads(svc, clientIp(c, svc.config.trustProxy));
    const [result] = await uploadCertificates(svc, keytext, { max: 1 });
    return c.json({ key_fpr: result.clean.fingerprint, status: result.status, token: result.token });
  });

  app.post('/request-verify', async (c) => {
    const body = await jsonBody(c);
    const token = stringField(body, 'token');
    const addresses = body.addresses;
    if (!Array.isArray(addresses) || addresses.length === 0 || addresses.length > 32 || !addresses.every((a) => typeof a === 'string'))
      throw new ApiError(400, 'bad-addresses', '"addresses" must be a list of 1 to 32 email addresses');
    const fingerprint = await requestAsThunderbirdAsks(svc, token, addresses as string[], clientIp(c, svc.config.trustProxy));
    const stored = await certificateByFingerprint(svc.sql, fingerprint);
    if (!stored) notFound();
    const clean = await loadCertificate(stored.data, svc.now());
    return c.json({ key_fpr: fingerprint, status: await addressStatuses(svc.sql, clean, svc.now()), token });
  });

  app.get('/by-email/:email', async (c) => {
    // hono has already percent-decoded the parameter: decoding again would read "%2540" as
    // "@" and throw (a 500) on a literal "%" that is not followed by two hex digits.
    const found = await lookupPlain(svc, c.req.param('email'));
    if (!found) notFound();
    return c.body(armorCertificate(found.certificate), 200, PGP_KEYS);
  });

  app.get('/by-fingerprint/:fingerprint', async (c) => {
    const fpr = c.req.param('fingerprint').toUpperCase();
    if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(fpr)) throw new ApiError(400, 'bad-fingerprint', 'a fingerprint is 40 or 64 hex digits, without 0x or spaces');
    const [found] = await lookupByKey(svc, fpr);
    if (!found) notFound();
    return c.body(armorCertificate(found.binary), 200, PGP_KEYS);
  });

  app.get('/by-keyid/:keyid', async (c) => {
    const keyId = c.req.param('keyid').toUpperCase();
    if (!/^[0-9A-F]{16}$/.test(keyId)) throw new ApiError(400, 'bad-keyid', 'a key ID is 16 hex digits, without 0x or spaces');
    const found = await lookupByKey(svc, keyId);
    if (found.length === 0) notFound();
    return c.body(found.map((f) => armorCertificate(f.binary)).join(''), 200, PGP_KEYS);
  });

  return app;
}
