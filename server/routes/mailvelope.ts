// The Mailvelope keyserver's REST API at /api/v1/key, beside our own, for the clients that
// speak it (the Mailvelope extension's keyserver client):
// - GET ?email= | ?fingerprint= | ?keyId=: 200 with the key object (mailvelope-key.ts), 404
//   when nothing verified is published. By email, the object is also a complete
//   /api/v1/lookup answer (email, certificate, entry, proof and whatever else that answer
//   carries), so a client that knows glasskey verifies it with verifyLookup and one that
//   does not ignores the extra fields. By fingerprint or key ID there is no proof (the log
//   covers addresses only).
// - POST {publicKeyArmored, emails?}: 201; stores the certificate like every upload and mails
//   a verification link to each of its addresses (or only to `emails`) not yet published.
// - DELETE ?email= | ?keyId=: 202; mails a removal link to the address, or to every address
//   bound to the key; confirming it appends the unbind entry as any removal does.
// The links mailed are ours (/verify/<token>): that server's ?op=verify links do not exist.
import { Hono } from 'hono';
import { normalizeAddress, VerificationError } from '@glasskey/verifier';
import { lookupByKey, lookupWithProof } from '../directory/lookup.ts';
import { mailUnverified } from '../directory/mail-uploaded.ts';
import { mailvelopeKey } from '../directory/mailvelope-key.ts';
import { uploadCertificates } from '../directory/upload.ts';
import { requestRemoval } from '../directory/verification.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp, jsonBody, stringField } from '../http/request.ts';
import { loadCertificate } from '../openpgp/load.ts';
import { armorCertificate } from '../openpgp/filter.ts';
import type { Services } from '../services.ts';
import { limitUploads } from './vks.ts';

const NO_STORE = { 'cache-control': 'no-store' };

type KeyQuery = { kind: 'email'; email: string } | { kind: 'fingerprint'; id: string } | { kind: 'keyId'; id: string };

function hex(value: string): string {
  return value.replace(/^0x/i, '').toUpperCase();
}

/** Exactly one of email, fingerprint, keyId (and no ?op=, which that server used for its links). */
function keyQuery(q: Record<string, string>, allowed: readonly KeyQuery['kind'][]): KeyQuery {
  if (q.op !== undefined) throw new ApiError(400, 'unsupported-op', 'op= is not supported: the links this server mails are /verify/<token>');
  const given = allowed.filter((k) => q[k] !== undefined);
  if (given.length !== 1) throw new ApiError(400, 'bad-query', `give exactly one of ${allowed.join(', ')}`);
  const kind = given[0];
  const value = q[kind];
  if (kind === 'email') return { kind, email: value };
  const id = hex(value);
  if (kind === 'keyId') {
    if (!/^[0-9A-F]{16}$/.test(id)) throw new ApiError(400, 'bad-keyid', 'a key ID is 16 hex digits');
    return { kind, id };
  }
  if (!/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(id)) throw new ApiError(400, 'bad-fingerprint', 'a fingerprint is 40 or 64 hex digits');
  return { kind, id };
}

/** The 64-bit key ID of a primary key from its fingerprint: the last 16 digits (v4) or the first 16 (v6). */
function primaryKeyId(fingerprint: string): string {
  return fingerprint.length === 40 ? fingerprint.slice(-16) : fingerprint.slice(0, 16);
}

/** Certificates with a verified address for a fingerprint or key ID; the primary key's match first. */
async function publishedByKey(svc: Services, q: { kind: 'fingerprint' | 'keyId'; id: string }) {
  const found = (await lookupByKey(svc, q.id)).filter((f) => f.addresses.length > 0);
  const primary = found.filter((f) => (q.kind === 'keyId' ? primaryKeyId(f.fingerprint) === q.id : f.fingerprint === q.id));
  return primary.length > 0 ? primary : found;
}

function normalizedEmails(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 32 || !raw.every((a) => typeof a === 'string'))
    throw new ApiError(400, 'bad-emails', '"emails" must be a list of 1 to 32 email addresses');
  try {
    return [...new Set(raw.map((a: string) => normalizeAddress(a)))];
  } catch (err) {
    if (err instanceof VerificationError) throw new ApiError(400, 'bad-emails', `"emails": ${err.message}`);
    throw err;
  }
}

export function mailvelopeRoutes(svc: Services) {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = keyQuery(c.req.query(), ['email', 'fingerprint', 'keyId']);
    if (q.kind === 'email') {
      const found = await lookupWithProof(svc, q.email);
      if (!found) throw new ApiError(404, 'not-found', 'no verified key for this address');
      const clean = await loadCertificate(found.certificate, svc.now());
      const body: Record<string, unknown> = { ...mailvelopeKey(clean, found.certificate, [found.email]) };
      // The proof fields of the JSON lookup, as it makes them (never replacing a field above).
      for (const [k, v] of Object.entries(found)) if (!(k in body)) body[k] = v;
      return c.json(body, 200, NO_STORE);
    }
    const found = await publishedByKey(svc, q);
    if (found.length === 0) throw new ApiError(404, 'not-found', 'no key with a verified address has this ' + (q.kind === 'keyId' ? 'key ID' : 'fingerprint'));
    if (found.length > 1) throw new ApiError(409, 'ambiguous', `${found.length} keys match; ask by the primary key's full fingerprint`);
    const [f] = found;
    const clean = await loadCertificate(f.binary, svc.now());
    return c.json(mailvelopeKey(clean, armorCertificate(f.binary), f.addresses), 200, NO_STORE);
  });

  app.post('/', async (c) => {
    const body = await jsonBody(c);
    const armored = stringField(body, 'publicKeyArmored');
    const emails = normalizedEmails(body.emails);
    const ip = clientIp(c, svc.config.trustProxy);
    await limitUploads(svc, ip);
    const [upload] = await uploadCertificates(svc, armored, { max: 1 });
    if (emails) {
      for (const e of emails) if (!upload.clean.addresses.includes(e)) throw new ApiError(400, 'address-not-in-certificate', `the certificate has no valid user ID for ${e}`);
    }
    const m = await mailUnverified(svc, upload, ip, emails);
    return c.json(
      {
        keyId: upload.clean.keyId.toLowerCase(),
        fingerprint: upload.clean.fingerprint.toLowerCase(),
        ...m,
        message:
          m.mailed.length > 0
            ? `Upload successful. Check your inbox to verify your email address (${m.mailed.join(', ')}).`
            : 'Upload successful. No verification mail was sent: see the lists of addresses.',
      },
      201,
      NO_STORE,
    );
  });

  app.delete('/', async (c) => {
    const q = keyQuery(c.req.query(), ['email', 'keyId']);
    const ip = clientIp(c, svc.config.trustProxy);
    if (q.kind === 'email') {
      await requestRemoval(svc, q.email, ip);
      return c.json({ message: 'If this address is published, a removal link was mailed to it. Check your inbox.' }, 202, NO_STORE);
    }
    const found = await publishedByKey(svc, q as { kind: 'keyId'; id: string });
    const addresses = [...new Set(found.flatMap((f) => f.addresses))].sort();
    if (addresses.length === 0) throw new ApiError(404, 'not-found', 'no key with a verified address has this key ID');
    const mailed: string[] = [];
    const rateLimited: string[] = [];
    let limited: ApiError | undefined;
    for (const address of addresses) {
      try {
        await requestRemoval(svc, address, ip);
        mailed.push(address);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 429)) throw err;
        limited = err;
        rateLimited.push(address);
      }
    }
    if (mailed.length === 0 && limited) throw limited;
    return c.json({ message: 'Check your inbox to confirm the removal.', mailed, rateLimited }, 202, NO_STORE);
  });

  return app;
}
