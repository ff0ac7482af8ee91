// The VRF input (alpha) for an email address: the UTF-8 bytes of its normalized form. This
// is the one place that decides it; the identity in a log entry is vrf(addressAlpha(address)).
import { utf8Encode } from './bytes.ts';
import { FormatError } from '../errors.ts';
import { normalizeAddress } from './address.ts';

/**
 * alpha = UTF-8(normalizedAddress). Throws FormatError 'bad-address' if the argument is not
 * already normalized, so a caller that forgot to normalize cannot derive a different identity.
 */
export function addressAlpha(normalizedAddress: string): Uint8Array {
  if (normalizeAddress(normalizedAddress) !== normalizedAddress)
    throw new FormatError('bad-address', 'address: not in normalized form (call normalizeAddress first)');
  return utf8Encode(normalizedAddress);
}
