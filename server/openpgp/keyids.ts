// certificateKeyIds: every fingerprint and key ID of a cleaned certificate (the primary key
// and each kept subkey), for the lookup indexes (VKS by-fingerprint and by-keyid, HKP 0x...).
import type { CleanCertificate } from './types.ts';

export interface KeyIdentifiers {
  /** Uppercase hex: 40 characters (v4) or 64 (v6). */
  readonly fingerprint: string;
  /** Uppercase hex, 16 characters. */
  readonly keyId: string;
  readonly primary: boolean;
}

export function certificateKeyIds(clean: CleanCertificate): KeyIdentifiers[] {
  return [
    { fingerprint: clean.fingerprint, keyId: clean.keyId, primary: true },
    ...clean.subkeys.map((s) => ({ fingerprint: s.fingerprint, keyId: s.keyId, primary: false })),
  ];
}
