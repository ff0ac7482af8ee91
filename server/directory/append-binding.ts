// Appends one log entry for an address, inside the caller's transaction: bind (the exact
// bytes served for the address, hashed) or unbind (the hash of the certificate being
// unbound), with version = previous + 1 for the address's VRF identity. The address row is
// locked, so concurrent changes to one address get consecutive versions in log order.
import { createHash } from 'node:crypto';
import { addressAlpha, decodeEntry, encodeEntry } from '@glasskey/verifier';
import { appendPending } from '../../log/index.ts';
import { vrfProve } from '../../log/vrf.ts';
import { certificateForAddress } from '../openpgp/filter.ts';
import type { CleanCertificate } from '../openpgp/types.ts';
import { addressRow, insertAddress, insertEntry, latestEntry, setAddressBinding, type AddressRow, type Db } from './queries.ts';

export interface AppendedEntry {
  pendingId: number;
  version: number;
  identity: Uint8Array;
}

/** The address's row, created with its VRF identity on first use; locked FOR UPDATE. */
export async function lockAddress(tx: Db, vrfSecretKey: Uint8Array, address: string): Promise<AddressRow> {
  let row = await addressRow(tx, address, true);
  if (!row) {
    const { output, proof } = vrfProve(vrfSecretKey, addressAlpha(address));
    await insertAddress(tx, address, output, proof);
    row = await addressRow(tx, address, true);
    if (!row) throw new Error(`address row for ${address} vanished`);
  }
  return row;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Binds `address` to `clean` (its served form for that address). Returns null when the
 * newest entry already binds exactly these bytes (nothing changed).
 */
export async function appendBind(tx: Db, vrfSecretKey: Uint8Array, address: string, clean: CleanCertificate): Promise<AppendedEntry | null> {
  const row = await lockAddress(tx, vrfSecretKey, address);
  const served = certificateForAddress(clean, address);
  const hash = sha256(served);
  const last = await latestEntry(tx, row.identity);
  if (last && last.action === 'bind' && Buffer.compare(decodeEntry(last.entry).certificateHash, hash) === 0 && row.fingerprint === clean.fingerprint)
    return null;
  const version = (last?.version ?? 0) + 1;
  const entry = encodeEntry({ action: 'bind', identity: row.identity, version, certificateHash: hash });
  const [pendingId] = await appendPending(tx, [entry]);
  await insertEntry(tx, { identity: row.identity, version, action: 'bind', fingerprint: clean.fingerprint, entry, pendingId, certificate: served });
  await setAddressBinding(tx, address, clean.fingerprint);
  return { pendingId, version, identity: row.identity };
}

/** Unbinds `address` (whatever certificate it has now). Returns null when it is not bound. */
export async function appendUnbind(tx: Db, address: string): Promise<AppendedEntry | null> {
  const row = await addressRow(tx, address, true);
  if (!row) return null;
  const last = await latestEntry(tx, row.identity);
  if (!last || last.action !== 'bind') {
    await setAddressBinding(tx, address, null);
    return null;
  }
  const version = last.version + 1;
  const certificateHash = decodeEntry(last.entry).certificateHash;
  const entry = encodeEntry({ action: 'unbind', identity: row.identity, version, certificateHash });
  const [pendingId] = await appendPending(tx, [entry]);
  await insertEntry(tx, { identity: row.identity, version, action: 'unbind', fingerprint: last.fingerprint, entry, pendingId, certificate: null });
  await setAddressBinding(tx, address, null);
  return { pendingId, version, identity: row.identity };
}
