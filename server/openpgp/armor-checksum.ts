// The CRC-24 checksum of ASCII armor (RFC 4880 section 6.1, RFC 9580 section 6.1). openpgp
// v6 does not check it; GnuPG does, and a wrong checksum means damaged input, so we check
// it when present (it is optional: armor without one is accepted).

const CHECKSUM_LINE = /\r?\n=([A-Za-z0-9+/]{4})[ \t]*\r?\n-----END PGP /;

export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** False when the armored block carries a checksum line that does not match `data`. */
export function armorChecksumMatches(block: string, data: Uint8Array): boolean {
  const m = CHECKSUM_LINE.exec(block);
  if (!m) return true;
  const expected = Buffer.from(m[1], 'base64');
  return ((expected[0] << 16) | (expected[1] << 8) | expected[2]) === crc24(data);
}
