// Opens a signed checkpoint under a client policy: the log's Ed25519 signature must verify,
// the origin must be the log key's name, the witness cosignatures (cosignature/v1, timestamp
// covered by the signature) must satisfy the quorum, and the newest counting cosignature must
// be at most `freshness` seconds old and at most COSIGNATURE_CLOCK_SKEW seconds in the future.
// Counting cosignatures are those of witnesses reachable from the quorum; each witness counts
// once. With `quorum none` no cosignature is needed and freshness is not applied. A known key's
// signature that fails rejects the whole note (c2sp.org/signed-note); unknown keys are ignored.
import { parseCheckpoint } from '../format/checkpoint.ts';
import { PolicyError, SignatureError } from '../errors.ts';
import { noteString, verifyNote } from '../format/note.ts';
import { keyIdHex, type NoteVerifier } from '../format/note-key.ts';
import { groupRequired, type Policy, type PolicyGroup } from './policy.ts';

/** How far (seconds) a counting cosignature may be ahead of the local clock. */
export const COSIGNATURE_CLOCK_SKEW = 300;

export interface CheckpointCosignature {
  /** The witness's name in the policy. */
  witness: string;
  keyId: number;
  timestamp: number;
}

export interface OpenedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
  /** The checkpoint body (note text, with its final newline). */
  body: string;
  /** The whole signed note as given. */
  note: string;
  /** One entry per policy witness with a verified cosignature (its newest), in policy order. */
  cosignatures: CheckpointCosignature[];
}

const keyOf = (v: { name: string; keyId: number }) => `${v.name}+${keyIdHex(v.keyId)}`;

/** Witness names reachable from `name` through groups. */
function reachableWitnesses(name: string, groups: Map<string, PolicyGroup>, out = new Set<string>()): Set<string> {
  const g = groups.get(name);
  if (!g) out.add(name);
  else for (const m of g.members) reachableWitnesses(m, groups, out);
  return out;
}

function satisfied(name: string, groups: Map<string, PolicyGroup>, cosigned: Set<string>): boolean {
  const g = groups.get(name);
  if (!g) return cosigned.has(name);
  return g.members.filter((m) => satisfied(m, groups, cosigned)).length >= groupRequired(g);
}

/** Says which group fell short, descending into the first unsatisfied subgroup. */
function shortfall(name: string, groups: Map<string, PolicyGroup>, cosigned: Set<string>): string {
  const g = groups.get(name);
  if (!g) return `witness ${name} did not cosign`;
  const ok = g.members.filter((m) => satisfied(m, groups, cosigned));
  const missing = g.members.filter((m) => !ok.includes(m));
  let why = `group ${name} has ${ok.length} of the ${groupRequired(g)} required (missing: ${missing.join(', ')})`;
  const sub = missing.find((m) => groups.has(m));
  if (sub !== undefined) why += `; ${shortfall(sub, groups, cosigned)}`;
  return why;
}

export function openCheckpoint(signedNote: string | Uint8Array, policy: Policy, now: number = Date.now() / 1000): OpenedCheckpoint {
  const log = policy.log.verifier;
  const witnessByKey = new Map(policy.witnesses.map((w) => [keyOf(w.verifier), w]));
  const verifiers: NoteVerifier[] = [log, ...policy.witnesses.map((w) => w.verifier)];

  const note = noteString(signedNote);
  const opened = verifyNote(note, verifiers);
  if (!opened.verified.some((s) => s.name === log.name && s.keyId === log.keyId))
    throw new SignatureError('missing-log-signature', `checkpoint is not signed by the log key ${keyOf(log)}`);

  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== log.name)
    throw new PolicyError('origin-mismatch', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not the log key name ${JSON.stringify(log.name)}`);

  const newest = new Map<string, { keyId: number; timestamp: number }>();
  for (const s of opened.verified) {
    const w = witnessByKey.get(keyOf(s));
    if (!w || s.timestamp === undefined) continue;
    const prev = newest.get(w.name);
    if (!prev || s.timestamp > prev.timestamp) newest.set(w.name, { keyId: s.keyId, timestamp: s.timestamp });
  }
  const cosignatures = policy.witnesses
    .filter((w) => newest.has(w.name))
    .map((w) => ({ witness: w.name, ...newest.get(w.name)! }));

  if (policy.quorum !== null) {
    const groups = new Map(policy.groups.map((g) => [g.name, g]));
    const cosigned = new Set(newest.keys());
    if (!satisfied(policy.quorum, groups, cosigned))
      throw new PolicyError('quorum-not-met', `witness quorum not met: ${shortfall(policy.quorum, groups, cosigned)}`);
    let latest = -Infinity;
    for (const w of reachableWitnesses(policy.quorum, groups)) {
      const c = newest.get(w);
      if (c && c.timestamp > latest) latest = c.timestamp;
    }
    if (latest > now + COSIGNATURE_CLOCK_SKEW)
      throw new PolicyError('cosignature-in-future', `newest cosignature time ${latest} is ahead of the clock (${Math.floor(now)})`);
    if (latest < now - policy.freshness)
      throw new PolicyError('stale-checkpoint', `newest cosignature time ${latest} is older than ${policy.freshness} seconds`);
  }

  return {
    ...checkpoint,
    body: opened.text,
    note,
    cosignatures,
  };
}
