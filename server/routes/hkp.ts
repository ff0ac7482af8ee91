// HKP (draft-gallagher-openpgp-hkp) for GnuPG and friends: /pks/lookup with op=get, index
// and vindex (machine-readable with options=mr), exact matches only (an address, or 0x and a
// 16-hex key ID or a full fingerprint), and /pks/add. Errors are plain text, as HKP has them.
import { Hono } from 'hono';
import { normalizeAddress, VerificationError } from '@glasskey/verifier';
import { lookupByKey, lookupPlain } from '../directory/lookup.ts';
import { uploadCertificates } from '../directory/upload.ts';
import { mailUnverified, type MailedAddresses } from '../directory/mail-uploaded.ts';
import { ApiError, describeError } from '../http/errors.ts';
import { clientIp, formBody } from '../http/request.ts';
import { armorCertificate } from '../openpgp/filter.ts';
import { formatMachineReadableIndex, type IndexEntry } from '../openpgp/hkp-index.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { Services } from '../services.ts';
import { limitUploads } from './vks.ts';

/** Most certificates one /pks/add may carry. */
export const HKP_MAX_KEYS_PER_ADD = 10;

type Search = { kind: 'email'; address: string } | { kind: 'key'; id: string };

export function parseSearch(raw: string | undefined): Search {
  if (!raw) throw new ApiError(400, 'missing-search', 'the "search" parameter is required');
  const s = raw.trim();
  const hex = /^0x([0-9a-fA-F]+)$/.exec(s);
  if (hex) {
    const h = hex[1].toUpperCase();
    if (h.length === 16 || h.length === 40 || h.length === 64) return { kind: 'key', id: h };
    if (h.length === 8) throw new ApiError(400, 'short-keyid', 'short (32-bit) key IDs are not supported: use the 64-bit key ID or the fingerprint');
    throw new ApiError(400, 'bad-search', 'a key search is 0x followed by a 16-hex key ID or a 40/64-hex fingerprint');
  }
  if (/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s)) return { kind: 'key', id: s.toUpperCase() };
  const bracketed = /^[^<>]*<([^<>]+)>$/.exec(s);
  try {
    return { kind: 'email', address: normalizeAddress(bracketed ? bracketed[1] : s) };
  } catch (err) {
    if (err instanceof VerificationError)
      throw new ApiError(400, 'bad-search', 'search by exact email address, 0x<key ID> or 0x<fingerprint> (no substring search)');
    throw err;
  }
}

async function indexEntries(svc: Services, search: Search): Promise<IndexEntry[]> {
  if (search.kind === 'email') {
    const bound = await lookupPlain(svc, search.address);
    if (!bound) return [];
    return [{ certificate: await loadCertificate(bound.certificate, svc.now()), addresses: [search.address] }];
  }
  const found = await lookupByKey(svc, search.id);
  const out: IndexEntry[] = [];
  for (const f of found) out.push({ certificate: await loadCertificate(f.binary, svc.now()), addresses: f.addresses });
  return out;
}

/** The /pks/add answer for one certificate: what was mailed, and why the rest was not. */
export function hkpAddLines(fingerprint: string, m: MailedAddresses, appended: number): string[] {
  const lines: string[] = [];
  const say = (what: string, addresses: string[]) => {
    if (addresses.length > 0) lines.push(`${fingerprint}: ${what}: ${addresses.join(', ')}`);
  };
  say('verification link mailed', m.mailed);
  say('not mailed, a link went out too recently (send the key again later)', m.rateLimited);
  say('not mailed, the link mailed earlier still works', m.pending);
  say(appended > 0 ? 'already published, update published' : 'already published', m.published);
  say('revoked, not published', m.revoked);
  if (lines.length === 0) lines.push(`${fingerprint}: stored; it has no address to verify`);
  return lines;
}

export function hkpRoutes(svc: Services) {
  const app = new Hono();
  app.onError((err, c) => {
    const d = describeError(err);
    if (d.status >= 500) svc.log(`HKP ${c.req.method} ${c.req.path}: unexpected error`, err);
    return c.text(d.error + '\n', d.status as 400, d.headers);
  });

  app.get('/lookup', async (c) => {
    const op = c.req.query('op') ?? 'get';
    const search = parseSearch(c.req.query('search'));
    const mr = (c.req.query('options') ?? '').split(',').includes('mr');
    if (op === 'get') {
      let armored: string;
      if (search.kind === 'email') {
        const bound = await lookupPlain(svc, search.address);
        if (!bound) throw new ApiError(404, 'not-found', 'no key found');
        armored = armorCertificate(bound.certificate);
      } else {
        const found = await lookupByKey(svc, search.id);
        if (found.length === 0) throw new ApiError(404, 'not-found', 'no key found');
        armored = found.map((f) => armorCertificate(f.binary)).join('');
      }
      return c.body(armored, 200, { 'content-type': 'application/pgp-keys; charset=utf-8', 'cache-control': 'no-cache' });
    }
    if (op === 'index' || op === 'vindex') {
      const entries = await indexEntries(svc, search);
      if (entries.length === 0) throw new ApiError(404, 'not-found', 'no key found');
      const text = formatMachineReadableIndex(entries, svc.now());
      return c.body(text, 200, { 'content-type': mr ? 'text/plain; charset=utf-8' : 'text/plain; charset=utf-8' });
    }
    throw new ApiError(400, 'unsupported-op', `op=${op.slice(0, 20)} is not supported (get, index, vindex)`);
  });

  app.post('/add', async (c) => {
    const form = await formBody(c);
    const keytext = form.keytext;
    if (keytext === undefined || keytext.length === 0) throw new ApiError(400, 'missing-keytext', 'the "keytext" form field is required');
    const ip = clientIp(c, svc.config.trustProxy);
    await limitUploads(svc, ip);
    const results = await uploadCertificates(svc, keytext, { max: HKP_MAX_KEYS_PER_ADD });
    const lines: string[] = [];
    for (const r of results) lines.push(...hkpAddLines(r.clean.fingerprint, await mailUnverified(svc, r, ip), r.appended.length));
    return c.text(lines.join('\n') + '\n', 200);
  });
  return app;
}
