// Proving addresses by mail: request sends a single-use link per address (rate limited per
// address and per IP), confirm uses it once and appends the bind (or unbind) entry, then
// waits until the sequencer has integrated it and returns the log index.
import { normalizeAddress } from '@glasskey/verifier';
import { waitForIndex } from '../../log/index.ts';
import { verificationMail } from '../mail/templates.ts';
import { assertBindable } from '../openpgp/bindable.ts';
import { loadCertificate } from '../openpgp/load.ts';
import { hitPolicy, ipSubject } from '../ratelimit/index.ts';
import { ApiError } from '../http/errors.ts';
import type { Services } from '../services.ts';
import { appendBind, appendUnbind } from './append-binding.ts';
import { protectVerificationMail } from './encrypt-verification-mail.ts';
import { addressRow, certificateByFingerprint, eraseAddress, recordLogIndex } from './queries.ts';
import { isTokenShaped, newToken, tokenHash, TOKEN_LIFETIME_SECONDS } from './tokens.ts';

export type Action = 'bind' | 'unbind';

export interface PendingLink {
  action: Action;
  address: string;
  fingerprint: string;
}

async function limitMail(svc: Services, address: string, ip: string | undefined): Promise<void> {
  // Per IP first, so that a request refused for its IP does not use up the address's slot.
  // Both count on the database's clock, shared by every server process.
  if (ip) {
    const perIp = await hitPolicy(svc.sql, svc.rates.verifyMailPerIp, ipSubject(ip));
    if (!perIp.allowed)
      throw new ApiError(429, 'rate-limited', `too many verification mails from your address; try again in ${perIp.retryAfter} s`, { 'retry-after': String(perIp.retryAfter) });
  }
  const perAddress = await hitPolicy(svc.sql, svc.rates.verifyMailPerAddress, address);
  if (!perAddress.allowed)
    throw new ApiError(429, 'rate-limited', `a link was mailed to ${address} recently; try again in ${perAddress.retryAfter} s`, { 'retry-after': String(perAddress.retryAfter) });
}

/** Creates a link for (action, address, fingerprint) and queues the mail. */
async function mailLink(svc: Services, link: PendingLink): Promise<void> {
  const now = svc.now();
  const { token, hash } = newToken();
  await svc.sql`INSERT INTO verification_tokens (token_hash, action, address, fingerprint, expires_at)
                VALUES (${hash}, ${link.action}, ${link.address}, ${link.fingerprint}, ${new Date(now.getTime() + TOKEN_LIFETIME_SECONDS * 1000)})`;
  const mail = verificationMail({
    to: link.address,
    address: link.address,
    fingerprint: link.fingerprint,
    link: `${svc.config.publicUrl}/verify/${token}`,
    action: link.action,
    serviceName: 'glasskey',
    publicUrl: svc.config.publicUrl,
  });
  await svc.sendMail(await protectVerificationMail(svc, link, { to: link.address, subject: mail.subject, text: mail.text, html: mail.html }));
}

/** VKS request-verify: mails a bind link to each requested address of the uploaded certificate. */
export async function requestVerification(svc: Services, uploadToken: string, addresses: string[], ip?: string): Promise<{ fingerprint: string; sent: string[] }> {
  if (!isTokenShaped(uploadToken)) throw new ApiError(400, 'bad-token', 'token is not an upload token');
  const rows = await svc.sql`SELECT fingerprint FROM upload_tokens WHERE token_hash = ${tokenHash(uploadToken)} AND expires_at > ${svc.now()}`;
  if (rows.length === 0) throw new ApiError(404, 'unknown-token', 'unknown or expired upload token; upload the key again');
  const fingerprint = rows[0].fingerprint as string;
  const stored = await certificateByFingerprint(svc.sql, fingerprint);
  if (!stored) throw new ApiError(404, 'unknown-token', 'the uploaded certificate is gone; upload it again');
  const clean = await loadCertificate(stored.data, svc.now());
  assertBindable(clean, svc.now());
  const wanted = [...new Set(addresses.map((a) => normalizeAddress(a)))];
  for (const a of wanted)
    if (!clean.addresses.includes(a)) throw new ApiError(400, 'address-not-in-certificate', `the certificate has no valid user ID for ${a}`);
  const sent: string[] = [];
  for (const address of wanted) {
    await limitMail(svc, address, ip);
    await mailLink(svc, { action: 'bind', address, fingerprint });
    sent.push(address);
  }
  return { fingerprint, sent };
}

/** HKP upload of a new certificate: a link to each address, skipping those rate limited. */
export async function mailAllAddresses(svc: Services, fingerprint: string, addresses: readonly string[], ip?: string): Promise<string[]> {
  const sent: string[] = [];
  for (const address of addresses) {
    try {
      await limitMail(svc, address, ip);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) continue;
      throw err;
    }
    await mailLink(svc, { action: 'bind', address, fingerprint });
    sent.push(address);
  }
  return sent;
}

/** Removal: mails an unbind link to the address if it is bound (silently nothing otherwise). */
export async function requestRemoval(svc: Services, email: string, ip?: string): Promise<void> {
  const address = normalizeAddress(email);
  const row = await addressRow(svc.sql, address);
  await limitMail(svc, address, ip);
  if (!row?.fingerprint) return;
  await mailLink(svc, { action: 'unbind', address, fingerprint: row.fingerprint });
}

/** What a link would do, for the confirmation page; throws for unknown, used or expired links. */
export async function inspectToken(svc: Services, token: string): Promise<PendingLink> {
  if (!isTokenShaped(token)) throw new ApiError(404, 'unknown-token', 'this link is not valid');
  const rows = await svc.sql`SELECT action, address, fingerprint, expires_at, used_at FROM verification_tokens WHERE token_hash = ${tokenHash(token)}`;
  return checkTokenRow(svc, rows[0]);
}

function checkTokenRow(svc: Services, row: any): PendingLink {
  if (!row) throw new ApiError(404, 'unknown-token', 'this link is not valid');
  if (row.used_at) throw new ApiError(410, 'used-token', 'this link was already used');
  if (new Date(row.expires_at).getTime() <= svc.now().getTime()) throw new ApiError(410, 'expired-token', 'this link has expired; ask for a new one');
  return { action: row.action, address: row.address, fingerprint: row.fingerprint };
}

export interface Confirmation extends PendingLink {
  /** Log index of the appended entry; null when nothing needed appending. */
  index: number | null;
  version: number | null;
}

export async function confirmToken(svc: Services, token: string, waitMs = 10_000): Promise<Confirmation> {
  if (!isTokenShaped(token)) throw new ApiError(404, 'unknown-token', 'this link is not valid');
  const now = svc.now();
  const { link, appended } = await svc.sql.begin(async (tx) => {
    const rows = await tx`SELECT action, address, fingerprint, expires_at, used_at FROM verification_tokens
                          WHERE token_hash = ${tokenHash(token)} FOR UPDATE`;
    const link = checkTokenRow(svc, rows[0]);
    await tx`UPDATE verification_tokens SET used_at = ${now} WHERE token_hash = ${tokenHash(token)}`;
    if (link.action === 'bind') {
      const stored = await certificateByFingerprint(tx, link.fingerprint, true);
      if (!stored) throw new ApiError(410, 'certificate-gone', 'the certificate was removed');
      const clean = await loadCertificate(stored.data, now);
      assertBindable(clean, now);
      if (!clean.addresses.includes(link.address))
        throw new ApiError(422, 'address-not-in-certificate', `the certificate no longer has a valid user ID for ${link.address}`);
      return { link, appended: await appendBind(tx, svc.keys.vrfSecretKey, link.address, clean) };
    }
    const current = await addressRow(tx, link.address, true);
    if (!current || current.fingerprint !== link.fingerprint)
      throw new ApiError(409, 'not-bound', `${link.address} is no longer bound to ${link.fingerprint}`);
    const appended = await appendUnbind(tx, link.address);
    await eraseAddress(tx, link.address, current.identity);
    return { link, appended };
  });
  if (!appended) return { ...link, index: null, version: null };
  const index = await waitForIndex(svc.sql, appended.pendingId, waitMs);
  await recordLogIndex(svc.sql, appended.pendingId, index);
  svc.checkpoint.invalidate();
  return { ...link, index, version: appended.version };
}
