// The OpenPGP handling of the directory: read uploads, clean certificates, serve them per
// address, merge updates, HKP index lines, WKD hashes, key IDs for the lookup indexes.
export * from './errors.ts';
export * from './limits.ts';
export * from './types.ts';
export { readCertificates } from './read.ts';
export { cleanCertificate } from './clean.ts';
export { loadCertificate, loadCertificates } from './load.ts';
export { assertBindable } from './bindable.ts';
export { certificateForAddress, certificateWithAddresses, armorCertificate } from './filter.ts';
export { mergeCertificates, type MergeResult } from './merge.ts';
export { formatMachineReadableIndex, escapeIndexField, type IndexEntry } from './hkp-index.ts';
export { wkdHash, zBase32 } from './wkd-hash.ts';
export { certificateKeyIds, type KeyIdentifiers } from './keyids.ts';
