// CRC-24/OPENPGP (RFC 9580 section 6.1): generator 0x864CFB, initial value 0xB704CE. A
// transport checksum for ASCII armor, not a cryptographic hash.
const CRC24_INIT = 0xb704ce;
const CRC24_POLY = 0x1864cfb;

export function crc24(data: Uint8Array): number {
  let crc = CRC24_INIT;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= CRC24_POLY;
    }
  }
  return crc & 0xffffff;
}
