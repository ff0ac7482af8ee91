// Accepts a witness's 200 answer: one or more note signature lines ("— <name> <base64>\n").
// As the spec suggests, they are appended to the checkpoint body and verified as a note with
// only this witness's key; lines of other keys are ignored, a failing line of this key or no
// line of it is an error. Returns the newest verified cosignature as a line and its time. Pure.
import {
  formatSignatureLine,
  verifyNote,
  type CosignatureVerifier,
  type VerifiedSignature,
} from '@glasskey/verifier';
import { WitnessResponseError } from './errors.ts';

export interface AcceptedCosignature {
  /** "— <name> <base64>\n" */
  line: string;
  /** The cosignature's timestamp, unix seconds. */
  timestamp: number;
}

export function acceptCosignature(
  witnessName: string,
  verifier: CosignatureVerifier,
  checkpointBody: string,
  answer: string,
): AcceptedCosignature {
  if (answer === '' || !answer.endsWith('\n') || !answer.split('\n').slice(0, -1).every((l) => l.startsWith('\u2014 ')))
    throw new WitnessResponseError(witnessName, 'malformed-cosignature', 'the answer is not a sequence of note signature lines');
  let verified: VerifiedSignature[];
  try {
    verified = verifyNote(`${checkpointBody}\n${answer}`, [verifier]).verified;
  } catch (err) {
    throw new WitnessResponseError(witnessName, 'bad-cosignature', `no valid cosignature from ${verifier.name}: ${(err as Error).message}`);
  }
  let best: VerifiedSignature | undefined;
  for (const s of verified) if (s.timestamp !== undefined && (!best || s.timestamp > best.timestamp!)) best = s;
  if (!best) throw new WitnessResponseError(witnessName, 'bad-cosignature', `no cosignature/v1 signature from ${verifier.name}`);
  return { line: formatSignatureLine(best), timestamp: best.timestamp! };
}

/** True if `line` is a valid cosignature of `verifier` over `checkpointBody`. */
export function cosignatureLineVerifies(verifier: CosignatureVerifier, checkpointBody: string, line: string): boolean {
  try {
    return verifyNote(`${checkpointBody}\n${line}`, [verifier]).verified.length > 0;
  } catch {
    return false;
  }
}
