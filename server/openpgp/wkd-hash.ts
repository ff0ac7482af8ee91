// The WKD local-part hash (draft-koch-openpgp-webkey-service section 3.1): the local part
// with ASCII upper-case letters mapped to lower case, hashed with SHA-1, z-base-32 encoded
// (32 characters). It names the file under /.well-known/openpgpkey/[<domain>/]hu/.
import { sha1 } from '@noble/hashes/legacy.js';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (as WKD uses it: 5-bit groups, most significant first, no padding). */
export function zBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

export function wkdHash(localPart: string): string {
  const lowered = localPart.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return zBase32(sha1(new TextEncoder().encode(lowered)));
}
