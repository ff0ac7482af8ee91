// The directory's cosigning client: the witnesses file, the loop that gets each new checkpoint
// cosigned by the configured witnesses (c2sp.org/tlog-witness v1.0.0), and the served
// checkpoint that met the quorum.
export { startCosigner, type Cosigner, type CosignerOptions, type LogCheckpoint, type SubmissionEvent } from './cosigner.ts';
export { readServedCheckpoint } from './served-checkpoint.ts';
export {
  parseWitnessesFile,
  readWitnessesFile,
  witnessPolicy,
  witnessPolicyLines,
  type CosigningWitness,
  type WitnessSet,
} from './witnesses-file.ts';
export { WitnessesFileError, WitnessResponseError } from './errors.ts';
export { submitCheckpoint, type WitnessAnswer } from './witness-client.ts';
export { acceptCosignature, type AcceptedCosignature } from './cosignature-lines.ts';
export { assembleServedNote, type ServedDecision } from './served-note.ts';
