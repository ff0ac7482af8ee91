// Upload: read and clean each certificate, store it (merged with what is stored), and for
// a certificate already bound to addresses append new entries when the bytes served for
// them changed (new expiry, new subkey) or unbind them (revocation, revoked user ID), with no
// new mail. A new certificate is published nowhere until an address is verified.
import type { Services } from '../services.ts';
import { assertBindable } from '../openpgp/bindable.ts';
import { certificateKeyIds } from '../openpgp/keyids.ts';
import { loadCertificate, loadCertificates } from '../openpgp/load.ts';
import { mergeCertificates } from '../openpgp/merge.ts';
import type { CleanCertificate } from '../openpgp/types.ts';
import { appendBind, appendUnbind, type AppendedEntry } from './append-binding.ts';
import { addressesBoundTo, certificateByFingerprint, upsertCertificate } from './queries.ts';
import { addressStatuses, type AddressStatus } from './status.ts';
import { newToken, TOKEN_LIFETIME_SECONDS } from './tokens.ts';

export interface UploadOutcome {
  clean: CleanCertificate;
  isNew: boolean;
  status: Record<string, AddressStatus>;
  /** Upload token for request-verify (VKS). */
  token: string;
  /** Entries appended for addresses already bound to this certificate. */
  appended: AppendedEntry[];
}

export async function uploadCertificates(svc: Services, input: string | Uint8Array, opts: { max?: number } = {}): Promise<UploadOutcome[]> {
  const now = svc.now();
  const certs = await loadCertificates(input, { max: opts.max ?? 1, now });
  const out: UploadOutcome[] = [];
  for (const clean of certs) out.push(await storeCertificate(svc, clean, now));
  return out;
}

async function storeCertificate(svc: Services, uploaded: CleanCertificate, now: Date): Promise<UploadOutcome> {
  return svc.sql.begin(async (tx) => {
    const stored = await certificateByFingerprint(tx, uploaded.fingerprint, true);
    let clean = uploaded;
    let changed = true;
    if (stored) {
      const merged = await mergeCertificates(await loadCertificate(stored.data, now), uploaded, now);
      clean = merged.certificate;
      changed = merged.changed;
    } else {
      assertBindable(uploaded, now);
    }
    if (changed)
      await upsertCertificate(
        tx,
        { fingerprint: clean.fingerprint, version: clean.version, data: clean.binary, revoked: clean.revoked, expires: clean.expires },
        certificateKeyIds(clean).map((k) => ({ fingerprint: k.fingerprint, keyId: k.keyId })),
      );
    const appended: AppendedEntry[] = [];
    if (stored && changed) {
      for (const address of await addressesBoundTo(tx, clean.fingerprint)) {
        const live = !clean.revoked && clean.addresses.includes(address);
        const e = live ? await appendBind(tx, svc.keys.vrfSecretKey, address, clean) : await appendUnbind(tx, address);
        if (e) appended.push(e);
      }
    }
    // Retention (purge.ts) counts from the last upload, changed or not.
    await tx`INSERT INTO certificate_uploads (fingerprint, uploaded_at) VALUES (${clean.fingerprint}, ${now})
             ON CONFLICT (fingerprint) DO UPDATE SET uploaded_at = EXCLUDED.uploaded_at`;
    const { token, hash } = newToken();
    await tx`INSERT INTO upload_tokens (token_hash, fingerprint, expires_at)
             VALUES (${hash}, ${clean.fingerprint}, ${new Date(now.getTime() + TOKEN_LIFETIME_SECONDS * 1000)})`;
    const status = await addressStatuses(tx, clean, now);
    return { clean, isNew: !stored, status, token, appended };
  });
}
