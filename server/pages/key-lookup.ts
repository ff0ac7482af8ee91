// Finds what the search box asked for, with the directory's own lookups: by address the
// certificate served for it (only that address's user IDs; nothing when unbound), by
// fingerprint or key ID every certificate with its verified addresses. Used by the search
// page and the downloads, so both always show the same bytes.
import { lookupByKey, lookupPlain } from '../directory/lookup.ts';
import { ApiError } from '../http/errors.ts';
import type { Services } from '../services.ts';
import type { SearchQuery } from './search-query.ts';

export interface FoundKey {
  fingerprint: string;
  /** The bytes served: for an address, exactly those the log entry hashes. */
  binary: Uint8Array;
  /** Verified addresses shown with it (the searched one only, for an address search). */
  addresses: string[];
}

export async function findKeys(svc: Services, q: SearchQuery): Promise<FoundKey[]> {
  if (q.kind === 'address') {
    const bound = await lookupPlain(svc, q.address);
    return bound ? [{ fingerprint: bound.fingerprint, binary: bound.certificate, addresses: [q.address] }] : [];
  }
  const found = await lookupByKey(svc, q.kind === 'fingerprint' ? q.fingerprint : q.keyId);
  return found.map((f) => ({ fingerprint: f.fingerprint, binary: f.binary, addresses: f.addresses }));
}

export function noKeyFound(q: SearchQuery): ApiError {
  const what = q.kind === 'address' ? `No verified key for ${q.address}` : `No key with ${q.kind === 'fingerprint' ? 'fingerprint' : 'key ID'} ${q.kind === 'fingerprint' ? q.fingerprint : q.keyId}`;
  return new ApiError(404, 'not-found', `${what}. Only keys whose owner confirmed an address are found by address.`);
}
