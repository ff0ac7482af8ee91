// Lookups. By address: the newest entry for the address's identity that the served
// checkpoint covers, the exact bytes it commits to, and (for the JSON API) the inclusion
// proof against that checkpoint with the VRF proof as the tlog-proof extra line. By
// fingerprint or key ID: the certificate with only its verified addresses' user IDs.
import { base64Encode, formatTlogProof, normalizeAddress } from '@glasskey/verifier';
import { inclusionProof } from '../../log/index.ts';
import { lookupPendingId } from '../../log/pending-queries.ts';
import { armorCertificate, certificateWithAddresses } from '../openpgp/filter.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { Services } from '../services.ts';
import { addressesBoundTo, certificatesByKey, recordLogIndex, type Db } from './queries.ts';
import type { ServedCheckpoint } from '../served-checkpoint.ts';

export interface BoundCertificate {
  address: string;
  certificate: Uint8Array;
  entry: Uint8Array;
  index: number;
  vrfProof: Uint8Array;
  fingerprint: string;
}

/**
 * The binding served for an address under checkpoint `cp`, or null (unbound, never seen,
 * or not yet covered by the served checkpoint: all look the same from outside).
 */
export async function boundCertificate(db: Db, address: string, cp: ServedCheckpoint): Promise<BoundCertificate | null> {
  const rows = await db`
    SELECT a.vrf_proof, e.fingerprint, e.entry, e.certificate, e.action, e.log_index, e.pending_id
    FROM addresses a JOIN address_entries e ON e.identity = a.identity
    WHERE a.address = ${address} AND a.fingerprint IS NOT NULL
    ORDER BY e.version DESC LIMIT 4`;
  for (const r of rows) {
    let index = r.log_index === null ? null : Number(r.log_index);
    if (index === null) {
      index = (await lookupPendingId(db, Number(r.pending_id))).index;
      if (index === null) continue; // not integrated yet: serve the previous entry
      await recordLogIndex(db, Number(r.pending_id), index);
    }
    if (index >= cp.size) continue; // not covered by the served checkpoint yet
    if (r.action !== 'bind' || !r.certificate) return null;
    return { address, certificate: r.certificate, entry: r.entry, index, vrfProof: r.vrf_proof, fingerprint: r.fingerprint };
  }
  return null;
}

export interface LookupResponse {
  email: string;
  certificate: string;
  entry: string;
  proof: string;
}

export async function lookupWithProof(svc: Services, email: string): Promise<LookupResponse | null> {
  const address = normalizeAddress(email);
  const cp = await svc.checkpoint.current();
  const bound = await boundCertificate(svc.sql, address, cp);
  if (!bound) return null;
  const proof = await inclusionProof(svc.sql, bound.index, cp.size);
  return {
    email: address,
    certificate: armorCertificate(bound.certificate),
    entry: base64Encode(bound.entry),
    proof: formatTlogProof({ extra: bound.vrfProof, index: bound.index, proof, checkpoint: cp.note }),
  };
}

/** Plain certificate bytes for an address (VKS, HKP, WKD), under the same rule as lookupWithProof. */
export async function lookupPlain(svc: Services, email: string): Promise<BoundCertificate | null> {
  return boundCertificate(svc.sql, normalizeAddress(email), await svc.checkpoint.current());
}

/** Certificates by fingerprint (40/64 hex) or key ID (16 hex), primary or subkey, uppercase. */
export async function lookupByKey(svc: Services, fingerprintOrKeyId: string): Promise<{ fingerprint: string; binary: Uint8Array; addresses: string[] }[]> {
  const rows = await certificatesByKey(svc.sql, fingerprintOrKeyId.toUpperCase());
  const out = [];
  for (const row of rows) {
    const clean = await loadCertificate(row.data, svc.now());
    const addresses = await addressesBoundTo(svc.sql, row.fingerprint);
    out.push({ fingerprint: row.fingerprint, binary: certificateWithAddresses(clean, addresses), addresses });
  }
  return out;
}
