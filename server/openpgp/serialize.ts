// Writes a cleaned certificate's kept packets as binary OpenPGP, in the canonical order of
// its parts (primary key, its signatures, the chosen user IDs with theirs, the subkeys with
// theirs), with new-format headers; and armors binary certificates. The same parts always
// give the same bytes: the log hashes exactly what is served.
import { armor, config, enums } from 'openpgp';
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

/**
 * ASCII armor of a binary certificate ("PGP PUBLIC KEY BLOCK", no Version or Comment
 * header). The CRC-24 checksum is written for v4 certificates (older clients expect it)
 * and left out for v6 ones, as RFC 9580 asks.
 */
export function armorCertificate(binary: Uint8Array): string {
  const version = splitPackets(binary)[0]?.body[0];
  const quiet = { ...config, showVersion: false, showComment: false };
  return armor(enums.armor.publicKey, binary, undefined, undefined, undefined, version !== 6, quiet);
}
