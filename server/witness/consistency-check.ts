// Decides whether a checkpoint may be cosigned after the witness's latest cosigned state for
// its origin, once the old size has been found equal to that state's size. Pure; throws a
// WitnessError with the status c2sp.org/tlog-witness v1.0.0 prescribes:
//  - a size-0 checkpoint must carry the empty tree's root, SHA-256("")         -> 422
//  - "The proof MUST be empty if the old size is zero"                          -> 422
//  - "If the old size matches the checkpoint size, the witness MUST check that the root
//    hashes are also identical. If they don't match, the witness MUST respond with a
//    '409 Conflict' HTTP status code." (v1.0.0; later drafts changed this to 422)   -> 409
//  - "If the Merkle Consistency Proof doesn't verify, the witness MUST respond with a
//    '422 Unprocessable Entity' HTTP status code."                             -> 422
import { bytesEqual, emptyRoot, ProofError, verifyConsistency } from '@glasskey/verifier';
import { WitnessError } from './errors.ts';
import type { CosignedState } from './state-queries.ts';

export function checkConsistency(
  stored: CosignedState | null,
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpoint: CosignedState,
): void {
  const storedSize = stored?.size ?? 0;
  if (oldSize !== storedSize) throw new Error(`checkConsistency: old size ${oldSize} is not the stored size ${storedSize}`);
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.root, emptyRoot()))
    throw new WitnessError(422, 'bad-empty-root', 'a checkpoint of size 0 must have the root hash of the empty tree');
  if (oldSize === 0) {
    if (proof.length !== 0)
      throw new WitnessError(422, 'bad-proof', `the consistency proof from old size 0 must be empty, it has ${proof.length} lines`);
    return;
  }
  // oldSize > 0 here, so the witness has a stored root for it.
  const storedRoot = stored!.root;
  if (oldSize === checkpoint.size) {
    if (proof.length !== 0)
      throw new WitnessError(422, 'bad-proof', `the consistency proof between equal sizes must be empty, it has ${proof.length} lines`);
    if (!bytesEqual(storedRoot, checkpoint.root))
      throw new WitnessError(409, 'root-mismatch', `the witness cosigned another root hash for size ${oldSize}`, storedSize);
    return;
  }
  try {
    verifyConsistency(oldSize, checkpoint.size, storedRoot, checkpoint.root, proof);
  } catch (err) {
    if (err instanceof ProofError)
      throw new WitnessError(422, 'bad-proof', `the consistency proof from size ${oldSize} to ${checkpoint.size} does not verify: ${err.message}`);
    throw err;
  }
}
