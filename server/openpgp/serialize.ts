// Writes a cleaned certificate's kept packets as binary OpenPGP, in the canonical order of
// its parts (primary key, its signatures, the chosen user IDs with theirs, the subkeys with
// theirs), with new-format headers; and armors binary certificates. The same parts always
// give the same bytes: the log hashes exactly what is served.
import { concatBytes, encodePacket, splitPackets, Tag } from './packets.ts';
import type { CleanParts, CleanUserIdPart } from './types.ts';

/** The binary certificate of `parts`, with only the user IDs given (default: all of them). */
export function writeCertificate(parts: CleanParts, userIds: readonly CleanUserIdPart[] = parts.userIds): Uint8Array {
  const out: Uint8Array[] = [encodePacket(Tag.publicKey, parts.primary)];
  for (const sig of parts.signatures) out.push(encodePacket(Tag.signature, sig));
  for (const uid of userIds) {
    out.push(encodePacket(Tag.userId, uid.body));
    for (const sig of uid.signatures) out.push(encodePacket(Tag.signature, sig));
  }
  for (const subkey of parts.subkeys) {
    out.push(encodePacket(Tag.publicSubkey, subkey.body));
    for (const sig of subkey.signatures) out.push(encodePacket(Tag.signature, sig));
  }
  return concatBytes(out);
}

// CRC-24 of RFC 9580 section 6.1.1 (init 0xB704CE, generator 0x1864CFB), a byte at a time.
const CRC24_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 16;
    for (let j = 0; j < 8; j++) {
      c <<= 1;
      if (c & 0x1000000) c ^= 0x1864cfb;
    }
    t[i] = c & 0xffffff;
  }
  return t;
})();

function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) & 0xffffff) ^ CRC24_TABLE[((crc >> 16) ^ data[i]) & 0xff];
  return crc;
}

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n';
const END = '-----END PGP PUBLIC KEY BLOCK-----\n';

/**
 * The "PGP PUBLIC KEY BLOCK" armor of `binary` with no headers, 60 base64 characters a line,
 * and the CRC-24 line when asked: byte for byte what openpgp's armor() writes with
 * showVersion and showComment off (test/openpgp/armor.test.ts compares them), on node's
 * Buffer base64, several times faster (this runs on every lookup).
 */
export function armorPublicKeyBlock(binary: Uint8Array, withChecksum: boolean): string {
  const b64 = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString('base64');
  let out = BEGIN;
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  if (withChecksum) {
    const c = crc24(binary);
    out += `=${Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64')}\n`;
  }
  return out + END;
}

/**
 * ASCII armor of a binary certificate ("PGP PUBLIC KEY BLOCK", no Version or Comment
 * header). The CRC-24 checksum is written for v4 certificates (older clients expect it)
 * and left out for v6 ones, as RFC 9580 asks.
 */
export function armorCertificate(binary: Uint8Array): string {
  const version = splitPackets(binary)[0]?.body[0];
  return armorPublicKeyBlock(binary, version !== 6);
}
