// The directory's witnesses file (GLASSKEY_WITNESSES_FILE): the witness, group, quorum and
// freshness lines of the client policy format (DESIGN.md "Policy"), read by the verifier's
// own parsePolicy so they mean exactly what clients will read:
//   witness <name> <vkey> <url>              url: the witness's tlog-witness prefix (required here)
//   group <name> <k|any|all> <member>...
//   quorum <group or witness name | none>
//   freshness <seconds>                      optional
// Blank lines and '#' comments are allowed; log and vrf lines are not (the server adds them).
// witnessPolicyLines() gives the lines to append to the served policy.
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ed25519NoteVerifier,
  formatPolicy,
  formatVkey,
  parsePolicy,
  type CosignatureVerifier,
  type NoteVerifier,
  type Policy,
  type PolicyGroup,
} from '@glasskey/verifier';
import { readFileSync } from 'node:fs';
import { WitnessesFileError } from './errors.ts';

export interface CosigningWitness {
  /** The witness's name in the file (groups and quorum refer to it). */
  name: string;
  verifier: CosignatureVerifier;
  /** The tlog-witness URL prefix: requests go to <url>/add-checkpoint. */
  url: string;
}

export interface WitnessSet {
  witnesses: CosigningWitness[];
  groups: PolicyGroup[];
  /** The witness or group whose cosignatures a served checkpoint needs; null for `none`. */
  quorum: string | null;
  freshness: number;
}

// parsePolicy needs a log line; this stand-in (a valid Ed25519 key nobody signs with) is
// appended after the file's own lines, so the line numbers in errors stay right.
const PLACEHOLDER_LOG: NoteVerifier = ed25519NoteVerifier('witnesses-file.invalid', ed25519.getPublicKey(new Uint8Array(32)));

export function parseWitnessesFile(text: string, source = 'witnesses file'): WitnessSet {
  for (const [i, raw] of text.split('\n').entries()) {
    const directive = raw.trim().split(/[ \t]+/)[0];
    if (directive === 'log' || directive === 'vrf')
      throw new WitnessesFileError(`${source} line ${i + 1}`, `${directive} lines belong in the policy the server writes, not in the witnesses file`);
  }
  let policy: Policy;
  try {
    policy = parsePolicy(`${text}${text.endsWith('\n') || text === '' ? '' : '\n'}log ${formatVkey(PLACEHOLDER_LOG)}\n`);
  } catch (err) {
    const m = /^policy line (\d+): (.*)$/s.exec((err as Error).message);
    if (m) throw new WitnessesFileError(`${source} line ${m[1]}`, m[2]);
    throw new WitnessesFileError(source, (err as Error).message);
  }
  const witnesses = policy.witnesses.map((w) => {
    if (w.url === undefined) throw new WitnessesFileError(source, `witness ${w.name} has no URL (witness <name> <vkey> <url>)`);
    return { name: w.name, verifier: w.verifier, url: w.url.replace(/\/+$/, '') };
  });
  return { witnesses, groups: policy.groups, quorum: policy.quorum, freshness: policy.freshness };
}

export function readWitnessesFile(path: string): WitnessSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WitnessesFileError(path, `cannot read it: ${(err as Error).message}`);
  }
  return parseWitnessesFile(text, path);
}

/** The client policy of a log with these witnesses (what the served checkpoint must pass). */
export function witnessPolicy(set: WitnessSet, log: NoteVerifier): Policy {
  return {
    log: { verifier: log },
    witnesses: set.witnesses.map((w) => ({ name: w.name, verifier: w.verifier, url: w.url })),
    groups: set.groups,
    quorum: set.quorum,
    freshness: set.freshness,
  };
}

/** The witness, group, quorum and freshness lines for the served policy (after log and vrf). */
export function witnessPolicyLines(set: WitnessSet): string[] {
  const text = formatPolicy(witnessPolicy(set, PLACEHOLDER_LOG));
  return text.trimEnd().split('\n').slice(1);
}
