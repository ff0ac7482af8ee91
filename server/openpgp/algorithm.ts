// Public-key algorithms: the human name (GnuPG style), the size in bits, and the verdict of
// our policy: accepted, weak (RSA < 2048 bits, DSA, ElGamal) or unsupported (anything else
// we do not know to be sound: secp256k1, unknown or experimental algorithms).
import type { PublicKeyPacket, PublicSubkeyPacket } from 'openpgp';
import { MIN_RSA_BITS } from './limits.ts';

export interface AlgorithmInfo {
  /** rsa3072, ed25519, cv25519, x25519, ed448, x448, nistp256, brainpoolP256r1, dsa1024, ... */
  readonly name: string;
  /** The OpenPGP public-key algorithm number. */
  readonly id: number;
  readonly bits: number;
  readonly verdict: 'ok' | 'weak' | 'unsupported';
  /** Whether the algorithm can make signatures (a primary key must certify). */
  readonly canSign: boolean;
}

const CURVES: Record<string, { name: string; bits: number }> = {
  ed25519Legacy: { name: 'ed25519', bits: 255 },
  curve25519Legacy: { name: 'cv25519', bits: 255 },
  nistP256: { name: 'nistp256', bits: 256 },
  nistP384: { name: 'nistp384', bits: 384 },
  nistP521: { name: 'nistp521', bits: 521 },
  brainpoolP256r1: { name: 'brainpoolP256r1', bits: 256 },
  brainpoolP384r1: { name: 'brainpoolP384r1', bits: 384 },
  brainpoolP512r1: { name: 'brainpoolP512r1', bits: 512 },
};

/** Which curves each legacy elliptic-curve algorithm may use. */
const CURVES_FOR: Record<number, readonly string[]> = {
  18: ['curve25519Legacy', 'nistP256', 'nistP384', 'nistP521', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'],
  19: ['nistP256', 'nistP384', 'nistP521', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'],
  22: ['ed25519Legacy'],
};

const FIXED: Record<number, { name: string; bits: number; canSign: boolean }> = {
  25: { name: 'x25519', bits: 255, canSign: false },
  26: { name: 'x448', bits: 448, canSign: false },
  27: { name: 'ed25519', bits: 255, canSign: true },
  28: { name: 'ed448', bits: 448, canSign: true },
};

/** Describes the algorithm of a parsed key packet and judges it. */
export function describeAlgorithm(packet: PublicKeyPacket | PublicSubkeyPacket): AlgorithmInfo {
  const id = Number(packet.algorithm);
  const info = packet.getAlgorithmInfo();
  switch (id) {
    case 1:
    case 2:
    case 3: {
      const bits = info.bits ?? 0;
      return { name: `rsa${bits}`, id, bits, verdict: bits >= MIN_RSA_BITS ? 'ok' : 'weak', canSign: id !== 2 };
    }
    case 16:
      return { name: `elg${info.bits ?? 0}`, id, bits: info.bits ?? 0, verdict: 'weak', canSign: false };
    case 17:
      return { name: `dsa${info.bits ?? 0}`, id, bits: info.bits ?? 0, verdict: 'weak', canSign: true };
    case 18:
    case 19:
    case 22: {
      const curve = info.curve ? CURVES[info.curve] : undefined;
      if (!curve || !info.curve || !CURVES_FOR[id].includes(info.curve))
        return { name: `${info.algorithm}-${info.curve ?? 'unknown'}`, id, bits: 0, verdict: 'unsupported', canSign: id !== 18 };
      return { name: curve.name, id, bits: curve.bits, verdict: 'ok', canSign: id !== 18 };
    }
    default: {
      const fixed = FIXED[id];
      if (fixed) return { ...fixed, id, verdict: 'ok' };
      return { name: `algorithm${id}`, id, bits: 0, verdict: 'unsupported', canSign: false };
    }
  }
}
