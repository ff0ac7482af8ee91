// Retention: deletes certificates that no address is bound to and that were last uploaded
// (certificate_uploads) longer ago than the retention period (uploads never verified, or whose addresses were all
// removed), unless a link mailed for them still works; and tokens (upload tokens, mailed
// links) that have expired. Nothing bound is touched and nothing in the log changes: the log
// and address_entries never refer to the certificates table.
import type { Sql } from 'postgres';

export interface PurgeOptions {
  /** Certificates last uploaded before now - retentionDays are deleted. */
  retentionDays: number;
  now: Date;
  /** Certificates per transaction (default 500). */
  batchSize?: number;
}

export interface PurgeResult {
  certificates: number;
  uploadTokens: number;
  verificationTokens: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** One batch: returns the fingerprints deleted. */
async function purgeCertificateBatch(sql: Sql, cutoff: Date, now: Date, limit: number): Promise<string[]> {
  return sql.begin(async (tx) => {
    // Lock the candidates (skipping rows an upload or a confirmation holds right now), then
    // check again in a new statement: under READ COMMITTED it sees a binding committed after
    // the first one began, and no new binding can start while the lock is held (confirming
    // a link locks the certificate first).
    const candidates = await tx`
      SELECT c.fingerprint FROM certificate_uploads u JOIN certificates c ON c.fingerprint = u.fingerprint
      WHERE u.uploaded_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM addresses a WHERE a.fingerprint = c.fingerprint)
        AND NOT EXISTS (SELECT 1 FROM verification_tokens t
                        WHERE t.fingerprint = c.fingerprint AND t.used_at IS NULL AND t.expires_at > ${now})
      ORDER BY u.uploaded_at LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED`;
    if (candidates.length === 0) return [];
    const fingerprints = candidates.map((r) => r.fingerprint as string);
    const deleted = await tx`
      DELETE FROM certificates c
      WHERE c.fingerprint = ANY(${fingerprints})
        AND EXISTS (SELECT 1 FROM certificate_uploads u WHERE u.fingerprint = c.fingerprint AND u.uploaded_at < ${cutoff})
        AND NOT EXISTS (SELECT 1 FROM addresses a WHERE a.fingerprint = c.fingerprint)
        AND NOT EXISTS (SELECT 1 FROM verification_tokens t
                        WHERE t.fingerprint = c.fingerprint AND t.used_at IS NULL AND t.expires_at > ${now})
      RETURNING c.fingerprint`;
    const gone = deleted.map((r) => r.fingerprint as string);
    // certificate_keys, certificate_uploads and upload_tokens go with the row (ON DELETE
    // CASCADE); used links name the certificate too.
    if (gone.length > 0) await tx`DELETE FROM verification_tokens WHERE fingerprint = ANY(${gone})`;
    return gone;
  });
}

export async function purgeUnverified(sql: Sql, opts: PurgeOptions): Promise<PurgeResult> {
  if (!Number.isFinite(opts.retentionDays) || opts.retentionDays <= 0) throw new RangeError('retentionDays must be positive');
  const batch = opts.batchSize ?? 500;
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * DAY_MS);
  let certificates = 0;
  for (;;) {
    const gone = await purgeCertificateBatch(sql, cutoff, opts.now, batch);
    certificates += gone.length;
    if (gone.length < batch) break;
  }
  const up = await sql`DELETE FROM upload_tokens WHERE expires_at <= ${opts.now}`;
  const links = await sql`DELETE FROM verification_tokens WHERE expires_at <= ${opts.now}`;
  return { certificates, uploadTokens: up.count, verificationTokens: links.count };
}
