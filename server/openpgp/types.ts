// The shapes passed between the OpenPGP modules: certificates as read (raw packets grouped by
// component, nothing verified) and as cleaned (verified, minimal, canonical).
import type { RawPacket } from './packets.ts';

/** A component packet (user ID, user attribute, subkey) and the signatures that follow it. */
export interface PacketGroup {
  readonly packet: RawPacket;
  readonly signatures: readonly RawPacket[];
}

/** One certificate as read: raw packets, grouped, nothing parsed or verified yet. */
export interface CertificatePackets {
  readonly primary: RawPacket;
  /** Signatures directly after the primary key: direct-key signatures and key revocations. */
  readonly signatures: readonly RawPacket[];
  readonly userIds: readonly PacketGroup[];
  readonly userAttributes: readonly PacketGroup[];
  readonly subkeys: readonly PacketGroup[];
  /** Packets skipped while reading: trust, marker, padding, unknown packets and what follows them. */
  readonly ignored: number;
}

/** Packet bodies of a component kept in a cleaned certificate, in canonical order. */
export interface CleanPart {
  readonly body: Uint8Array;
  readonly signatures: readonly Uint8Array[];
}

export interface CleanUserIdPart extends CleanPart {
  readonly address: string;
}

/** The kept packets of a cleaned certificate, from which every served form is written. */
export interface CleanParts {
  readonly primary: Uint8Array;
  /** Key revocations, then the newest direct-key self-signature. */
  readonly signatures: readonly Uint8Array[];
  readonly userIds: readonly CleanUserIdPart[];
  readonly subkeys: readonly CleanPart[];
}

export interface CleanSubkey {
  /** Uppercase hex: 40 characters (v4) or 64 (v6). */
  readonly fingerprint: string;
  /** Uppercase hex, 16 characters. */
  readonly keyId: string;
  /** GnuPG-style name: rsa3072, ed25519, cv25519, x25519, ed448, x448, nistp256, ... */
  readonly algorithm: string;
  /** The OpenPGP public-key algorithm number (RFC 9580 section 9.1). */
  readonly algorithmId: number;
  /** Key size in bits (modulus for RSA, curve size for elliptic curves). */
  readonly bits: number;
  readonly created: Date;
  /** When the key expires per its newest valid self-signature; null: never. */
  readonly expires: Date | null;
  readonly revoked: boolean;
}

export interface CleanUserId {
  /** The user ID text (valid UTF-8, no control characters). */
  readonly userId: string;
  /** The one address in it, normalized (normalizeAddress). */
  readonly address: string;
  /** Revoked by the key itself (a certification revocation newer than the self-signature). */
  readonly revoked: boolean;
  /** The kept self-signature's primary-user-ID flag. */
  readonly primary: boolean;
  /** Creation time of the kept self-signature. */
  readonly created: Date;
}

/** Counts of what cleaning left out. */
export interface DroppedCounts {
  /** User IDs without exactly one valid address, or with bad bytes (NUL, control, non-UTF-8). */
  userIdsWithoutAddress: number;
  /** User IDs with an address but no valid self-signature. */
  userIdsWithoutSelfSignature: number;
  userAttributes: number;
  /** Subkeys without a valid binding signature, or weak or of an unsupported algorithm. */
  subkeys: number;
  /** Third-party certifications, unverifiable, superseded or duplicate signatures. */
  signatures: number;
  /** Packets skipped while reading (trust, marker, padding, unknown). */
  packets: number;
}

export interface CleanCertificate {
  readonly fingerprint: string;
  readonly keyId: string;
  readonly version: 4 | 6;
  readonly algorithm: string;
  readonly algorithmId: number;
  readonly bits: number;
  readonly created: Date;
  /** null: never expires. */
  readonly expires: Date | null;
  /** expires is at or before the time the certificate was cleaned. */
  readonly expired: boolean;
  readonly revoked: boolean;
  readonly subkeys: readonly CleanSubkey[];
  readonly userIds: readonly CleanUserId[];
  /** Distinct normalized addresses of the user IDs that are not revoked, sorted. */
  readonly addresses: readonly string[];
  /** The cleaned certificate, binary: primary key and all its valid parts. */
  readonly binary: Uint8Array;
  readonly armored: string;
  readonly dropped: DroppedCounts;
  readonly parts: CleanParts;
}
