// The per-address status keys.openpgp.org reports for an uploaded certificate:
// published (bound to it), pending (a verification link is out), revoked (its user ID is
// revoked), unpublished (neither).
import type { CleanCertificate } from '../openpgp/types.ts';
import type { Db } from './queries.ts';

export type AddressStatus = 'unpublished' | 'pending' | 'published' | 'revoked';

export async function addressStatuses(db: Db, clean: CleanCertificate, now: Date): Promise<Record<string, AddressStatus>> {
  const status: Record<string, AddressStatus> = {};
  for (const u of clean.userIds) if (!clean.addresses.includes(u.address)) status[u.address] = 'revoked';
  if (clean.addresses.length === 0) return status;
  const addresses = [...clean.addresses];
  const bound = await db`SELECT address FROM addresses WHERE fingerprint = ${clean.fingerprint} AND address = ANY(${addresses})`;
  const pending = await db`SELECT DISTINCT address FROM verification_tokens
    WHERE fingerprint = ${clean.fingerprint} AND action = 'bind' AND used_at IS NULL AND expires_at > ${now} AND address = ANY(${addresses})`;
  const boundSet = new Set(bound.map((r) => r.address as string));
  const pendingSet = new Set(pending.map((r) => r.address as string));
  for (const a of clean.addresses) status[a] = boundSet.has(a) ? 'published' : pendingSet.has(a) ? 'pending' : clean.revoked ? 'revoked' : 'unpublished';
  return status;
}
