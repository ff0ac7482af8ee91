// The witness (c2sp.org/tlog-witness v1.0.0): the HTTP app, the start-up, and the pieces a
// test or another program may reuse.
export { createWitnessApp, DEFAULT_MAX_BODY_BYTES, type WitnessAppDeps } from './app.ts';
export { addCheckpoint, type AddCheckpointDeps, type AddCheckpointResult } from './add-checkpoint.ts';
export { loadWitnessConfig, DEFAULT_WITNESS_PORT, type WitnessConfig } from './config.ts';
export { WitnessConfigError, WitnessError, type WitnessStatus } from './errors.ts';
export { parseLogsFile, type WitnessedLog, type WitnessedLogs } from './logs-file.ts';
export { originHash } from './origin-hash.ts';
export { formatAddCheckpointBody, parseAddCheckpointBody, MAX_PROOF_LINES, type AddCheckpointRequest } from './request-body.ts';
export { selectRefusals, type Refusal } from './state-queries.ts';
export { readLogsFile, startWitness, type RunningWitness, type StartWitnessOptions } from './start.ts';
export { loadOrCreateWitnessKey, type WitnessKey, type WitnessKeyOptions } from './witness-key.ts';
