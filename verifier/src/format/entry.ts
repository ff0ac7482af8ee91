// The 102-byte glasskey log entry (DESIGN.md): version 0x01, action (bind 0x01 / unbind 0x02),
// identity = VRF output of the normalized address (64), version u32 BE >= 1, SHA-256 of the certificate (32).
import { FormatError } from '../errors.ts';

export const ENTRY_SIZE = 102;
export const ENTRY_FORMAT_VERSION = 0x01;
export const ENTRY_IDENTITY_SIZE = 64;
export const ENTRY_CERTIFICATE_HASH_SIZE = 32;

export type EntryAction = 'bind' | 'unbind';

export interface Entry {
  action: EntryAction;
  /** The VRF output beta of the normalized address, 64 bytes. */
  identity: Uint8Array;
  /** 1 for the first entry of this identity, +1 for each after. */
  version: number;
  /** SHA-256 of the binary OpenPGP certificate exactly as served, 32 bytes. */
  certificateHash: Uint8Array;
}

const ACTION_BYTES: Record<EntryAction, number> = { bind: 0x01, unbind: 0x02 };
const IDENTITY_OFFSET = 2;
const VERSION_OFFSET = IDENTITY_OFFSET + ENTRY_IDENTITY_SIZE; // 66
const HASH_OFFSET = VERSION_OFFSET + 4; // 70

function checkVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 0xffffffff)
    throw new FormatError('bad-entry', 'entry version must be an integer in 1..2^32-1');
}

export function encodeEntry(entry: Entry): Uint8Array {
  if (typeof entry !== 'object' || entry === null) throw new FormatError('bad-entry', 'entry must be an object');
  if (entry.action !== 'bind' && entry.action !== 'unbind')
    throw new FormatError('bad-entry', `entry action must be 'bind' or 'unbind'`);
  const action = ACTION_BYTES[entry.action];
  if (!(entry.identity instanceof Uint8Array) || entry.identity.length !== ENTRY_IDENTITY_SIZE)
    throw new FormatError('bad-entry', `entry identity must be ${ENTRY_IDENTITY_SIZE} bytes`);
  checkVersion(entry.version);
  if (!(entry.certificateHash instanceof Uint8Array) || entry.certificateHash.length !== ENTRY_CERTIFICATE_HASH_SIZE)
    throw new FormatError('bad-entry', `entry certificate hash must be ${ENTRY_CERTIFICATE_HASH_SIZE} bytes`);
  const out = new Uint8Array(ENTRY_SIZE);
  out[0] = ENTRY_FORMAT_VERSION;
  out[1] = action;
  out.set(entry.identity, IDENTITY_OFFSET);
  new DataView(out.buffer).setUint32(VERSION_OFFSET, entry.version, false);
  out.set(entry.certificateHash, HASH_OFFSET);
  return out;
}

/** Strict: exactly 102 bytes, format version 0x01, action 0x01 or 0x02, version >= 1. */
export function decodeEntry(bytes: Uint8Array): Entry {
  if (!(bytes instanceof Uint8Array) || bytes.length !== ENTRY_SIZE)
    throw new FormatError('bad-entry', `entry must be exactly ${ENTRY_SIZE} bytes`);
  if (bytes[0] !== ENTRY_FORMAT_VERSION)
    throw new FormatError('bad-entry', `unknown entry format version 0x${bytes[0].toString(16).padStart(2, '0')}`);
  let action: EntryAction;
  if (bytes[1] === ACTION_BYTES.bind) action = 'bind';
  else if (bytes[1] === ACTION_BYTES.unbind) action = 'unbind';
  else throw new FormatError('bad-entry', `unknown entry action 0x${bytes[1].toString(16).padStart(2, '0')}`);
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(VERSION_OFFSET, false);
  if (version < 1) throw new FormatError('bad-entry', 'entry version must be at least 1');
  return {
    action,
    identity: bytes.slice(IDENTITY_OFFSET, VERSION_OFFSET),
    version,
    certificateHash: bytes.slice(HASH_OFFSET, ENTRY_SIZE),
  };
}
