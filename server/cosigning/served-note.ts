// Decides whether a checkpoint can be served: appends the stored cosignature lines (those
// over this exact body, from configured witnesses, that verify) to the log's signed note,
// in witness-file order, and opens the result under the witness policy (log signature,
// quorum, freshness) with the verifier's openCheckpoint. Pure.
import { openCheckpoint, parseNote, VerificationError, type Policy } from '@glasskey/verifier';
import { cosignatureLineVerifies } from './cosignature-lines.ts';

export type ServedDecision = { ok: true; note: string } | { ok: false; reason: string };

export function assembleServedNote(
  logNote: string,
  cosignatures: readonly { witness: string; body: string; line: string }[],
  policy: Policy,
  now: number,
): ServedDecision {
  const body = parseNote(logNote).text;
  let lines = '';
  for (const w of policy.witnesses) {
    const c = cosignatures.find((x) => x.witness === w.name && x.body === body && cosignatureLineVerifies(w.verifier, body, x.line));
    if (c) lines += c.line;
  }
  const note = logNote + lines;
  try {
    openCheckpoint(note, policy, now);
  } catch (err) {
    if (err instanceof VerificationError) return { ok: false, reason: err.message };
    throw err;
  }
  return { ok: true, note };
}
