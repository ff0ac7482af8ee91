// Lookups. By address: the newest entry for the address's identity that the served
// checkpoint covers, the exact bytes it commits to, and (for the JSON API) the inclusion
// proof against that checkpoint with the VRF proof as the tlog-proof extra line. By
// fingerprint or key ID: the certificate with only its verified addresses' user IDs.
import { normalizeAddress, TLOG_PROOF_HEADER } from '@glasskey/verifier';
import { lookupPendingId } from '../../log/pending-queries.ts';
import { armorCertificate, certificateWithAddresses } from '../openpgp/filter.ts';
import { loadCertificate } from '../openpgp/load.ts';
import type { Services } from '../services.ts';
import { addressesBoundTo, certificatesByKey, recordLogIndex, type Db } from './queries.ts';
import { base64, inclusionProofLines } from './proof-cache.ts';
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
    ORDER BY e.version DESC LIMIT 16`;
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

/**
 * The tlog-proof text: what formatTlogProof({extra: vrfProof, index, proof, checkpoint})
 * writes, from the `index` and hash lines (test/directory/lookup-proof.test.ts compares them).
 */
export function tlogProofText(vrfProof: Uint8Array, lines: string, checkpoint: string): string {
  return `${TLOG_PROOF_HEADER}\nextra ${base64(vrfProof)}\n${lines}\n${checkpoint}`;
}

export interface ProvenLookup {
  address: string;
  bound: BoundCertificate;
  /** The tlog-proof up to the empty line before the checkpoint (ASCII). */
  head: string;
  cp: ServedCheckpoint;
}

async function provenLookup(svc: Services, email: string): Promise<ProvenLookup | null> {
  const address = normalizeAddress(email);
  const cp = await svc.checkpoint.current();
  const bound = await boundCertificate(svc.lookupSql?.() ?? svc.sql, address, cp);
  if (!bound) return null;
  const lines = await inclusionProofLines(svc.sql, bound.index, cp.size);
  return { address, bound, head: tlogProofText(bound.vrfProof, lines, ''), cp };
}

/** The JSON API's answer for a found lookup. */
export function lookupResponse(found: ProvenLookup): LookupResponse {
  return {
    email: found.address,
    certificate: armorCertificate(found.bound.certificate),
    entry: base64(found.bound.entry),
    proof: found.head + found.cp.note,
  };
}

export async function lookupWithProof(svc: Services, email: string): Promise<LookupResponse | null> {
  const found = await provenLookup(svc, email);
  return found && lookupResponse(found);
}

/** A JSON string literal in ASCII only (non-ASCII as \\u escapes): the same value as JSON.stringify(s). */
export function asciiJson(s: string): string {
  const json = JSON.stringify(s);
  return /[^\x00-\x7f]/.test(json) ? json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

// The served checkpoint's note, JSON-escaped without its quotes, for the one note seen last.
let lastNote: string | undefined;
let lastNoteJson = '';
function noteJson(note: string): string {
  if (note !== lastNote) {
    lastNoteJson = asciiJson(note).slice(1, -1);
    lastNote = note;
  }
  return lastNoteJson;
}

/**
 * JSON.stringify(lookupResponse(found)) as far as JSON.parse can tell (the same members in
 * the same order), made cheaply: ASCII only, the checkpoint note escaped once.
 */
export function lookupResponseJson(found: ProvenLookup): string {
  const head = JSON.stringify(found.head); // base64, digits and newlines
  return (
    `{"email":${asciiJson(found.address)},"certificate":${JSON.stringify(armorCertificate(found.bound.certificate))},` +
    `"entry":"${base64(found.bound.entry)}","proof":${head.slice(0, -1)}${noteJson(found.cp.note)}"}`
  );
}

/** lookupWithProof's answer as JSON text (lookupResponseJson), or null. */
export async function lookupWithProofJson(svc: Services, email: string): Promise<string | null> {
  const found = await provenLookup(svc, email);
  return found && lookupResponseJson(found);
}

/** Plain certificate bytes for an address (VKS, HKP, WKD), under the same rule as lookupWithProof. */
export async function lookupPlain(svc: Services, email: string): Promise<BoundCertificate | null> {
  return boundCertificate(svc.lookupSql?.() ?? svc.sql, normalizeAddress(email), await svc.checkpoint.current());
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
