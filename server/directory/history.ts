// Everything ever logged for an address, for monitors and owners: the VRF proof of its
// identity and each entry with its index (once integrated) and, where the database still
// has it, the certificate it committed to.
import { addressAlpha, base64Encode, normalizeAddress } from '@glasskey/verifier';
import { lookupPendingId } from '../../log/pending-queries.ts';
import { vrfProve } from '../../log/vrf.ts';
import { armorCertificate } from '../openpgp/filter.ts';
import type { Services } from '../services.ts';
import { addressRow, entriesFor } from './queries.ts';

export interface HistoryEntry {
  index: number | null;
  version: number;
  action: 'bind' | 'unbind';
  entry: string;
  certificate: string | null;
}

export interface History {
  email: string;
  vrfProof: string;
  identity: string;
  entries: HistoryEntry[];
}

export async function addressHistory(svc: Services, email: string): Promise<History> {
  const address = normalizeAddress(email);
  const row = await addressRow(svc.sql, address);
  const { proof, output } = row ? { proof: row.vrf_proof, output: row.identity } : vrfProve(svc.keys.vrfSecretKey, addressAlpha(address));
  const entries: HistoryEntry[] = [];
  for (const e of await entriesFor(svc.sql, output)) {
    const index = e.log_index !== null ? Number(e.log_index) : (await lookupPendingId(svc.sql, Number(e.pending_id))).index;
    entries.push({
      index,
      version: e.version,
      action: e.action,
      entry: base64Encode(e.entry),
      certificate: e.certificate ? armorCertificate(e.certificate) : null,
    });
  }
  return { email: address, vrfProof: base64Encode(proof), identity: base64Encode(output), entries };
}
