// Lookups. By address: the newest entry for the address's identity that the served
// checkpoint covers, the exact bytes it commits to, and (for the JSON API) the inclusion
// proof against that checkpoint with the VRF proof as the tlog-proof extra line. By
// fingerprint or key ID: the certificate with only its verified addresses' user IDs.
import { normalizeAddress, TLOG_PROOF_HEADER } from '@glasskey/verifier';
import { inclusionProof } from '../../log/index.ts';
import { lookupPendingId } from '../../log/pending-queries.ts';
import { armorCertificate, certificateWithAddresses } from '../openpgp/filter.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { Services } from '../services.ts';
import { addressesBoundTo, certificatesByKey, recordLogIndex, type Db } from './queries.ts';
import { proofCacheOf } from './proof-cache.ts';
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
  // One round trip in the common case: entries the checkpoint does not cover are left out in
  // SQL already; an entry whose index is not recorded yet is looked up below.
  const rows = await db`
    SELECT a.vrf_proof, e.fingerprint, e.entry, e.certificate, e.action, e.log_index, e.pending_id
    FROM addresses a JOIN address_entries e ON e.identity = a.identity
    WHERE a.address = ${address} AND a.fingerprint IS NOT NULL AND (e.log_index IS NULL OR e.log_index < ${cp.size})
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

/** Standard base64 with padding (the same text as the verifier's base64Encode), on node's Buffer. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The `index` line and the hash lines of a tlog-proof (c2sp.org/tlog-proof@v1), each line ending in a newline. */
export function proofLines(index: number, proof: readonly Uint8Array[]): string {
  let out = `index ${index}\n`;
  for (const hash of proof) {
    if (hash.length !== 32) throw new Error(`proof hash of ${hash.length} bytes`);
    out += `${base64(hash)}\n`;
  }
  return out;
}

/**
 * The tlog-proof text: what formatTlogProof({extra: vrfProof, index, proof, checkpoint})
 * writes (test/directory/lookup-proof.test.ts compares them), from the cached lines.
 */
export function tlogProofText(vrfProof: Uint8Array, lines: string, checkpoint: string): string {
  return `${TLOG_PROOF_HEADER}\nextra ${base64(vrfProof)}\n${lines}\n${checkpoint}`;
}

export async function lookupWithProof(svc: Services, email: string): Promise<LookupResponse | null> {
  const address = normalizeAddress(email);
  const cp = await svc.checkpoint.current();
  const bound = await boundCertificate(svc.sql, address, cp);
  if (!bound) return null;
  // Inclusion proofs are a function of (index, size): cached per served tree size.
  const cache = proofCacheOf(svc.sql);
  let lines = cache.get(bound.index, cp.size);
  if (lines === undefined) {
    lines = proofLines(bound.index, await inclusionProof(svc.sql, bound.index, cp.size));
    cache.put(bound.index, cp.size, lines);
  }
  return {
    email: address,
    certificate: armorCertificate(bound.certificate),
    entry: base64(bound.entry),
    proof: tlogProofText(bound.vrfProof, lines, cp.note),
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
