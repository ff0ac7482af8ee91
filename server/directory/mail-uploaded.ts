// After an upload by a client that asks for verification in the same request (HKP /pks/add,
// Mailvelope's POST /api/v1/key): mails a link to each address of the certificate that is
// neither published nor waiting on a link already out, rate limited like every mail, and
// says what became of each address so the answer can tell the uploader.
import type { UploadOutcome } from './upload.ts';
import { mailAllAddresses } from './verification.ts';
import type { Services } from '../services.ts';

export interface MailedAddresses {
  /** A verification link was mailed now. */
  mailed: string[];
  /** Not mailed: a link went to the address (or from this IP) too recently. */
  rateLimited: string[];
  /** Not mailed: a link mailed earlier still works. */
  pending: string[];
  /** Already bound to this certificate. */
  published: string[];
  /** User IDs the key itself revoked (or a revoked key): never published. */
  revoked: string[];
}

/** `only`: normalized addresses to consider (default: every address of the certificate). */
export async function mailUnverified(svc: Services, upload: UploadOutcome, ip: string | undefined, only?: readonly string[]): Promise<MailedAddresses> {
  const out: MailedAddresses = { mailed: [], rateLimited: [], pending: [], published: [], revoked: [] };
  const wanted = only ? new Set(only) : undefined;
  const toMail: string[] = [];
  for (const [address, status] of Object.entries(upload.status).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (wanted && !wanted.has(address)) continue;
    if (status === 'unpublished') toMail.push(address);
    else out[status === 'pending' ? 'pending' : status === 'published' ? 'published' : 'revoked'].push(address);
  }
  const sent = new Set(await mailAllAddresses(svc, upload.clean.fingerprint, toMail, ip));
  for (const address of toMail) out[sent.has(address) ? 'mailed' : 'rateLimited'].push(address);
  return out;
}
