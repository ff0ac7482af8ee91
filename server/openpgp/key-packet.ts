// Parses a primary or subkey packet body with openpgp and says what it is: version,
// fingerprint, key ID, algorithm. Failures are values (the caller decides whether a bad
// packet is fatal, for the primary key, or dropped, for a subkey).
import { PublicKeyPacket, PublicSubkeyPacket, config } from 'openpgp';
import { describeAlgorithm, type AlgorithmInfo } from './algorithm.ts';

export interface ParsedKey {
  readonly packet: PublicKeyPacket | PublicSubkeyPacket;
  readonly version: 4 | 6;
  /** Uppercase hex. */
  readonly fingerprint: string;
  /** Uppercase hex, 16 characters. */
  readonly keyId: string;
  readonly algorithm: AlgorithmInfo;
  readonly created: Date;
  /** The packet body as openpgp writes it: what was fingerprinted and is served. */
  readonly body: Uint8Array;
}

export type KeyPacketResult =
  | { readonly ok: true; readonly key: ParsedKey }
  | { readonly ok: false; readonly code: 'unsupported' | 'unreadable'; readonly reason: string };

/** Reads a public-key (subkey = false) or public-subkey packet body. */
export async function readKeyPacket(body: Uint8Array, subkey: boolean): Promise<KeyPacketResult> {
  const version = body[0];
  if (version !== 4 && version !== 6)
    return { ok: false, code: 'unsupported', reason: `key packet version ${version ?? 'missing'} (only v4 and v6 are accepted)` };
  const packet = subkey ? new PublicSubkeyPacket() : new PublicKeyPacket();
  try {
    await (packet.read as (bytes: Uint8Array, c: typeof config) => Promise<unknown>).call(packet, body, config);
  } catch {
    const algorithm = body[5];
    return body.length > 6
      ? { ok: false, code: 'unsupported', reason: `public-key algorithm ${algorithm} or its parameters are not supported` }
      : { ok: false, code: 'unreadable', reason: 'the key packet is truncated' };
  }
  const algorithm = describeAlgorithm(packet);
  return {
    ok: true,
    key: {
      packet,
      version,
      fingerprint: packet.getFingerprint().toUpperCase(),
      keyId: packet.getKeyID().toHex().toUpperCase(),
      algorithm,
      created: packet.getCreationTime(),
      body: packet.write(),
    },
  };
}
