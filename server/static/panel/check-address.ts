// The whole in-browser check for one address: take the lookup (fetched by the caller, in
// parallel with the policy), verify it with
// @glasskey/verifier under the log's policy (VRF, entry, certificate hash, inclusion, log
// signature, witness quorum and freshness), check that the certificate is the key the page
// shows, and make the checkpoint pass the browser's HeadStore (consistent with every
// checkpoint this browser verified before).
import { formatFingerprint, primaryKeyFingerprint, verifyLookup, type CheckpointCosignature, type HeadStore, type LookupResponse, type Policy } from '@glasskey/verifier';
import { fetchConsistency } from './fetch-data.ts';
import { asFailure, PanelFailure } from './failure.ts';

export interface PanelResult {
  index: number;
  size: number;
  origin: string;
  note: string;
  cosignatures: CheckpointCosignature[];
  fingerprint: string;
  history: { status: 'first' | 'same' | 'advanced'; previousSize?: number };
}

export async function checkAddress(
  email: string,
  shownFingerprint: string | undefined,
  policy: Policy,
  heads: HeadStore,
  lookup: Promise<LookupResponse>,
): Promise<PanelResult> {
  const response = await lookup;
  let verified;
  try {
    verified = verifyLookup(response, policy, email);
  } catch (err) {
    throw asFailure('verify', err);
  }
  let fingerprint: string;
  try {
    fingerprint = formatFingerprint(primaryKeyFingerprint(verified.certificate).fingerprint);
  } catch (err) {
    throw asFailure('fingerprint', err);
  }
  if (shownFingerprint && fingerprint !== shownFingerprint)
    throw new PanelFailure('fingerprint', 'fingerprint-mismatch', `the page shows key ${shownFingerprint} but the log commits to key ${fingerprint}`);
  let update;
  try {
    update = await heads.update(verified.checkpoint, fetchConsistency);
  } catch (err) {
    throw asFailure('history', err);
  }
  const cp = verified.checkpoint;
  return {
    index: verified.index,
    size: cp.size,
    origin: cp.origin,
    note: cp.note,
    cosignatures: cp.cosignatures,
    fingerprint,
    history: update.status === 'advanced' ? { status: 'advanced', previousSize: update.previousSize } : { status: update.status },
  };
}
