// The write side of glasskey's transparency log: pending entries, the sequencer that
// integrates them into tlog-tiles rows on PostgreSQL with signed checkpoints, reads, and proofs
// from stored hashes; plus the log's keys, note signing and VRF proving.
export * from './errors.ts';
export { LOG_LOCK_KEY, PENDING_CHANNEL, INTEGRATED_CHANNEL, type SqlLike } from './coordination.ts';
export { appendPending, MAX_ENTRY_LENGTH } from './pending.ts';
export { integrate, DEFAULT_MAX_BATCH, MAX_BATCH_LIMIT, type IntegrateOptions, type IntegrateResult } from './integrate.ts';
export { startSequencer, type Sequencer, type SequencerOptions } from './sequencer.ts';
export { waitForIndex } from './wait-for-index.ts';
export { latestCheckpoint, checkpointAt, entryAt, readTile, readEntryBundle, type StoredCheckpoint } from './reads.ts';
export { inclusionProof, consistencyProof, rootAt } from './proofs.ts';
export { tileCacheOf, TileCache, DEFAULT_TILE_CACHE_TILES } from './tile-cache.ts';
export * from './keys.ts';
export * from './note-signer.ts';
export * from './vrf.ts';
export { ensureInitialCheckpoint } from './initial-checkpoint.ts';
