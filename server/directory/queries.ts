// SQL of the directory tables (migrations/002_directory.sql). Every function takes the
// connection or transaction to run on, so callers decide the transaction boundaries.
import type { Sql, TransactionSql } from 'postgres';

export type Db = Sql | TransactionSql;

export interface CertificateRow {
  fingerprint: string;
  version: number;
  data: Uint8Array;
  revoked: boolean;
}

export async function certificateByFingerprint(db: Db, fingerprint: string, forUpdate = false): Promise<CertificateRow | undefined> {
  const rows = forUpdate
    ? await db`SELECT fingerprint, version, data, revoked FROM certificates WHERE fingerprint = ${fingerprint} FOR UPDATE`
    : await db`SELECT fingerprint, version, data, revoked FROM certificates WHERE fingerprint = ${fingerprint}`;
  return rows[0] as CertificateRow | undefined;
}

/** Certificates whose primary key or a subkey has this fingerprint or 16-hex key ID. */
export async function certificatesByKey(db: Db, fingerprintOrKeyId: string): Promise<CertificateRow[]> {
  const rows =
    fingerprintOrKeyId.length === 16
      ? await db`SELECT DISTINCT c.fingerprint, c.version, c.data, c.revoked FROM certificate_keys k
                 JOIN certificates c ON c.fingerprint = k.primary_fingerprint WHERE k.key_id = ${fingerprintOrKeyId}`
      : await db`SELECT c.fingerprint, c.version, c.data, c.revoked FROM certificate_keys k
                 JOIN certificates c ON c.fingerprint = k.primary_fingerprint WHERE k.fingerprint = ${fingerprintOrKeyId}`;
  return rows as unknown as CertificateRow[];
}

export async function upsertCertificate(
  db: Db,
  c: { fingerprint: string; version: number; data: Uint8Array; revoked: boolean; expires: Date | null },
  keys: { fingerprint: string; keyId: string }[],
): Promise<void> {
  await db`INSERT INTO certificates (fingerprint, version, data, revoked, expires_at)
           VALUES (${c.fingerprint}, ${c.version}, ${c.data}, ${c.revoked}, ${c.expires})
           ON CONFLICT (fingerprint) DO UPDATE
           SET data = EXCLUDED.data, revoked = EXCLUDED.revoked, expires_at = EXCLUDED.expires_at, updated_at = now()`;
  const rows = keys.map((k) => ({ fingerprint: k.fingerprint, key_id: k.keyId, primary_fingerprint: c.fingerprint }));
  if (rows.length > 0)
    await db`INSERT INTO certificate_keys ${db(rows, 'fingerprint', 'key_id', 'primary_fingerprint')} ON CONFLICT (fingerprint) DO NOTHING`;
}

export interface AddressRow {
  address: string;
  identity: Uint8Array;
  vrf_proof: Uint8Array;
  fingerprint: string | null;
}

export async function addressRow(db: Db, address: string, forUpdate = false): Promise<AddressRow | undefined> {
  const rows = forUpdate
    ? await db`SELECT address, identity, vrf_proof, fingerprint FROM addresses WHERE address = ${address} FOR UPDATE`
    : await db`SELECT address, identity, vrf_proof, fingerprint FROM addresses WHERE address = ${address}`;
  return rows[0] as AddressRow | undefined;
}

export async function insertAddress(db: Db, address: string, identity: Uint8Array, vrfProof: Uint8Array): Promise<void> {
  await db`INSERT INTO addresses (address, identity, vrf_proof) VALUES (${address}, ${identity}, ${vrfProof})
           ON CONFLICT (address) DO NOTHING`;
}

export async function setAddressBinding(db: Db, address: string, fingerprint: string | null): Promise<void> {
  await db`UPDATE addresses SET fingerprint = ${fingerprint}, updated_at = now() WHERE address = ${address}`;
}

export async function addressesBoundTo(db: Db, fingerprint: string): Promise<string[]> {
  const rows = await db`SELECT address FROM addresses WHERE fingerprint = ${fingerprint} ORDER BY address`;
  return rows.map((r) => r.address as string);
}

export interface EntryRow {
  identity: Uint8Array;
  version: number;
  action: 'bind' | 'unbind';
  fingerprint: string | null;
  entry: Uint8Array;
  pending_id: string;
  log_index: string | null;
  certificate: Uint8Array | null;
}

export async function latestEntry(db: Db, identity: Uint8Array): Promise<EntryRow | undefined> {
  const rows = await db`SELECT identity, version, action, fingerprint, entry, pending_id, log_index, certificate
                        FROM address_entries WHERE identity = ${identity} ORDER BY version DESC LIMIT 1`;
  return rows[0] as EntryRow | undefined;
}

export async function entriesFor(db: Db, identity: Uint8Array): Promise<EntryRow[]> {
  const rows = await db`SELECT identity, version, action, fingerprint, entry, pending_id, log_index, certificate
                        FROM address_entries WHERE identity = ${identity} ORDER BY version`;
  return rows as unknown as EntryRow[];
}

export async function insertEntry(
  db: Db,
  e: { identity: Uint8Array; version: number; action: 'bind' | 'unbind'; fingerprint: string | null; entry: Uint8Array; pendingId: number; certificate: Uint8Array | null },
): Promise<void> {
  await db`INSERT INTO address_entries (identity, version, action, fingerprint, entry, pending_id, certificate)
           VALUES (${e.identity}, ${e.version}, ${e.action}, ${e.fingerprint}, ${e.entry}, ${e.pendingId}, ${e.certificate})`;
}

export async function recordLogIndex(db: Db, pendingId: number, index: number): Promise<void> {
  await db`UPDATE address_entries SET log_index = ${index} WHERE pending_id = ${pendingId} AND log_index IS NULL`;
}

/** Erases what identifies a removed address: its row and the certificates served for it. */
export async function eraseAddress(db: Db, address: string, identity: Uint8Array): Promise<void> {
  await db`DELETE FROM addresses WHERE address = ${address}`;
  await db`UPDATE address_entries SET certificate = NULL WHERE identity = ${identity}`;
}
