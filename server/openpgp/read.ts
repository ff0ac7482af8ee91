// readCertificates: decodes an upload (armor, binary or base64) and splits it into
// certificates, each a primary public key with its packets grouped by component. Refuses
// private keys, garbage, message packets and more certificates than allowed. Nothing is
// verified here (see clean.ts).
import { CertificateError } from './errors.ts';
import { decodeInput } from './input.ts';
import { isSecretKeyTag, refuseSecret, splitPackets, Tag, type RawPacket } from './packets.ts';
import type { CertificatePackets } from './types.ts';

/** Packets of messages, not certificates: their presence means the input is something else. */
const MESSAGE_TAGS = new Set([1, 3, 4, 8, 9, 11, 18, 19, 20]);
/** Packets that may sit anywhere in a keyring and carry nothing: skipped. */
const SKIPPED_TAGS = new Set<number>([Tag.marker, Tag.trust, Tag.padding]);

interface Building {
  primary: RawPacket;
  signatures: RawPacket[];
  userIds: { packet: RawPacket; signatures: RawPacket[] }[];
  userAttributes: { packet: RawPacket; signatures: RawPacket[] }[];
  subkeys: { packet: RawPacket; signatures: RawPacket[] }[];
  ignored: number;
  /** Where the next signature goes; null: into nothing (after an unknown packet). */
  current: RawPacket[] | null;
}

function startComponent(list: { packet: RawPacket; signatures: RawPacket[] }[], packet: RawPacket): RawPacket[] {
  const group = { packet, signatures: [] as RawPacket[] };
  list.push(group);
  return group.signatures;
}

/**
 * Private keys are refused when the data otherwise reads as keys (it starts with a key
 * packet and holds no message packets); garbage in which a secret-key tag happens to
 * appear is 'unreadable'.
 */
function refuseSecrets(packets: readonly RawPacket[]): void {
  if (!packets.some((p) => isSecretKeyTag(p.tag))) return;
  const first = packets.find((p) => !SKIPPED_TAGS.has(p.tag));
  const looksLikeKeys = first && (first.tag === Tag.publicKey || first.tag === Tag.secretKey);
  if (looksLikeKeys && !packets.some((p) => MESSAGE_TAGS.has(p.tag))) refuseSecret();
  throw new CertificateError('unreadable', 'not a readable OpenPGP certificate: no key structure');
}

function group(packets: readonly RawPacket[]): CertificatePackets[] {
  refuseSecrets(packets);
  const certificates: Building[] = [];
  let cert: Building | null = null;
  let before = 0;
  for (const packet of packets) {
    if (MESSAGE_TAGS.has(packet.tag))
      throw new CertificateError('unreadable', `not a certificate: the input holds an OpenPGP message packet (tag ${packet.tag})`);
    if (packet.tag === Tag.publicKey) {
      cert = { primary: packet, signatures: [], userIds: [], userAttributes: [], subkeys: [], ignored: 0, current: null };
      cert.current = cert.signatures;
      certificates.push(cert);
      continue;
    }
    if (cert === null) {
      if (!SKIPPED_TAGS.has(packet.tag)) before++;
      continue;
    }
    if (SKIPPED_TAGS.has(packet.tag)) {
      cert.ignored++;
      continue;
    }
    switch (packet.tag) {
      case Tag.signature:
        if (cert.current) cert.current.push(packet);
        else cert.ignored++;
        break;
      case Tag.userId:
        cert.current = startComponent(cert.userIds, packet);
        break;
      case Tag.userAttribute:
        cert.current = startComponent(cert.userAttributes, packet);
        break;
      case Tag.publicSubkey:
        cert.current = startComponent(cert.subkeys, packet);
        break;
      default:
        // An unknown packet: it and the signatures after it are skipped.
        cert.ignored++;
        cert.current = null;
    }
  }
  if (certificates.length === 0)
    throw new CertificateError(
      'no-primary-key',
      'no public key packet found: a certificate starts with its primary public key (a bare signature or revocation cannot be uploaded alone)',
    );
  if (before > 0) throw new CertificateError('unreadable', 'not a readable OpenPGP certificate: data before the first public key packet');
  return certificates.map(({ current: _current, ...rest }) => rest);
}

/**
 * Reads up to `max` certificates from an upload: ASCII armor (one or several blocks, or a
 * keyring), binary, or base64 of binary. Throws CertificateError: 'secret-key' for any
 * private key material, 'unreadable' for anything that is not OpenPGP certificates,
 * 'no-primary-key', 'too-large', 'too-many-certificates'.
 */
export async function readCertificates(
  input: string | Uint8Array,
  { max = 1 }: { max?: number } = {},
): Promise<CertificatePackets[]> {
  const binary = await decodeInput(input);
  const certificates = group(splitPackets(binary));
  if (certificates.length > max)
    throw new CertificateError(
      'too-many-certificates',
      `the input holds ${certificates.length} certificates; at most ${max} allowed here`,
    );
  return certificates;
}
