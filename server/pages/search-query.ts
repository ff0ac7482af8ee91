// What the search box was given: an email address, a fingerprint (40 or 64 hex digits, v4
// or v6) or a key ID (16 hex digits). Spaces and a 0x prefix are forgiven; anything else
// is a clear error, never a substring search.
import { normalizeAddress, VerificationError } from '@glasskey/verifier';
import { ApiError } from '../http/errors.ts';

export type SearchQuery = { kind: 'address'; address: string } | { kind: 'fingerprint'; fingerprint: string } | { kind: 'keyid'; keyId: string };

export const SEARCH_HELP = 'Enter an email address, a fingerprint (40 or 64 hex digits) or a key ID (16 hex digits).';

export function parseSearchQuery(raw: string | undefined): SearchQuery {
  const text = (raw ?? '').trim();
  if (text === '') throw new ApiError(400, 'empty-query', SEARCH_HELP);
  if (text.length > 320) throw new ApiError(400, 'bad-query', `That is too long to be an address or a fingerprint. ${SEARCH_HELP}`);
  if (text.includes('@')) {
    try {
      return { kind: 'address', address: normalizeAddress(text) };
    } catch (err) {
      if (err instanceof VerificationError) throw new ApiError(400, 'bad-address', `"${text}" is not a valid email address.`);
      throw err;
    }
  }
  const hex = text.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
  if (/^[0-9A-F]{40}$/.test(hex) || /^[0-9A-F]{64}$/.test(hex)) return { kind: 'fingerprint', fingerprint: hex };
  if (/^[0-9A-F]{16}$/.test(hex)) return { kind: 'keyid', keyId: hex };
  throw new ApiError(400, 'bad-query', SEARCH_HELP);
}
