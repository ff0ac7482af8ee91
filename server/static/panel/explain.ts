// Turns a failure into what a person needs: which check failed, in one plain sentence.
// Codes come from @glasskey/verifier's typed errors and from the panel's own steps; the
// detailed message is shown next to it.
import type { PanelFailure } from './failure.ts';

const BY_CODE: Record<string, string> = {
  'certificate-hash': 'the key sent is not the one the log entry commits to.',
  inclusion: "the entry is not in the log (the inclusion proof does not reach the checkpoint's root).",
  'identity-mismatch': 'the log entry is not for this address (VRF identity differs).',
  vrf: "the address's VRF proof does not verify.",
  'bad-entry': 'the log entry is malformed.',
  'not-bound': 'the log entry removes this address.',
  'address-mismatch': 'the answer is for another address.',
  'invalid-signature': "a checkpoint signature does not verify (not signed by the log's key).",
  'no-verifiable-signatures': "the checkpoint is not signed by the log's key.",
  'missing-log-signature': "the checkpoint is not signed by the log's key.",
  'quorum-not-met': 'the checkpoint lacks the witness cosignatures the policy requires.',
  'stale-checkpoint': "the checkpoint's newest cosignature is too old.",
  'cosignature-in-future': "a cosignature is dated in the future (check this computer's clock).",
  'fingerprint-mismatch': 'the key shown on this page is not the key the log commits to.',
  rollback: 'the checkpoint is older than one this browser already verified (rollback).',
  'split-view': 'the log showed this browser two histories that cannot both be true (split view).',
  'inconsistent-checkpoint': 'the checkpoint does not provably extend the one this browser verified before.',
};

export function explainFailure(f: PanelFailure): string {
  return BY_CODE[f.code] ?? `the ${f.step} step failed.`;
}
