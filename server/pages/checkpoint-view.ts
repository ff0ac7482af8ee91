// The served checkpoint as the /log page shows it: origin, size, root, the log's signature
// and each cosignature with its witness and time. Signatures are checked against this log's
// own policy (log key and configured witnesses); cosignature lines from keys the policy does
// not name are listed with their claimed time, marked as not checked.
import {
  base64Encode,
  keyIdHex,
  parseCheckpoint,
  parseNote,
  parsePolicy,
  splitCosignature,
  verifyNote,
  VerificationError,
  type VerifiedSignature,
} from '@glasskey/verifier';
import { logPolicy } from '../policy.ts';
import type { Services } from '../services.ts';

export interface SignatureView {
  /** The key name on the signature line. */
  keyName: string;
  keyId: string;
  kind: 'log' | 'cosignature' | 'other';
  /** The witness's name in the policy, for a policy witness. */
  witness?: string;
  /** Cosignature time. */
  time?: Date;
  verified: boolean;
}

export interface CheckpointView {
  origin: string;
  size: number;
  root: string;
  note: string;
  signatures: SignatureView[];
  /** Why the signatures could not be checked, if they could not. */
  problem?: string;
}

export async function servedCheckpointView(svc: Services): Promise<CheckpointView> {
  const { note } = await svc.checkpoint.current();
  const parsed = parseNote(note);
  const cp = parseCheckpoint(parsed.text);
  const policy = parsePolicy(logPolicy(svc));
  let verified: VerifiedSignature[] = [];
  let problem: string | undefined;
  try {
    verified = verifyNote(note, [policy.log.verifier, ...policy.witnesses.map((w) => w.verifier)]).verified;
  } catch (err) {
    if (!(err instanceof VerificationError)) throw err;
    problem = err.message;
  }
  const same = (a: { name: string; keyId: number }, b: { name: string; keyId: number }) => a.name === b.name && a.keyId === b.keyId;
  const signatures = parsed.signatures.map((s): SignatureView => {
    const ok = verified.find((v) => same(v, s));
    const base = { keyName: s.name, keyId: keyIdHex(s.keyId), verified: ok !== undefined };
    if (same(policy.log.verifier, s)) return { ...base, kind: 'log' };
    const witness = policy.witnesses.find((w) => same(w.verifier, s));
    let time: Date | undefined;
    if (ok?.timestamp !== undefined) time = new Date(ok.timestamp * 1000);
    else if (s.signature.length === 72) time = new Date(splitCosignature(s.signature).timestamp * 1000);
    return { ...base, kind: time ? 'cosignature' : 'other', witness: witness?.name, time };
  });
  return { origin: cp.origin, size: cp.size, root: base64Encode(cp.root), note, signatures, problem };
}
