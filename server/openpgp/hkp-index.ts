// The HKP machine-readable index (draft-gallagher-openpgp-hkp section 3.2.2, after
// draft-shaw-openpgp-hkp-00 5.2), as GnuPG's --search-keys reads it:
//   info:1:<count>
//   pub:<fingerprint>:<algorithm number>:<bits>:<created>:<expires>:<flags>
//   uid:<escaped user ID>:<created>:<expires>:<flags>
// Times are seconds since the epoch (empty: none); flags r (revoked), e (expired). The user
// ID is percent-escaped: '%', ':' and every byte of its UTF-8 outside printable ASCII.
// Only the user IDs of the addresses the caller names are listed (a search reveals no more).
import type { CleanCertificate } from './types.ts';

export interface IndexEntry {
  readonly certificate: CleanCertificate;
  /** The (verified) addresses whose user IDs may be listed. */
  readonly addresses: readonly string[];
}

function seconds(date: Date | null): string {
  return date ? String(Math.floor(date.getTime() / 1000)) : '';
}

/** Percent-escapes a field: '%', ':' and bytes outside 0x20..0x7E. */
export function escapeIndexField(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte < 0x20 || byte > 0x7e || byte === 0x25 || byte === 0x3a) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

function pubLine(c: CleanCertificate, now: Date): string {
  const flags = `${c.revoked ? 'r' : ''}${c.expires && c.expires.getTime() <= now.getTime() ? 'e' : ''}`;
  return `pub:${c.fingerprint}:${c.algorithmId}:${c.bits}:${seconds(c.created)}:${seconds(c.expires)}:${flags}`;
}

export function formatMachineReadableIndex(certs: readonly IndexEntry[], now: Date = new Date()): string {
  const lines = [`info:1:${certs.length}`];
  for (const { certificate, addresses } of certs) {
    lines.push(pubLine(certificate, now));
    const visible = new Set(addresses);
    for (const u of certificate.userIds) {
      if (!visible.has(u.address)) continue;
      lines.push(`uid:${escapeIndexField(u.userId)}:${seconds(u.created)}::${u.revoked ? 'r' : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
