// The client policy file (DESIGN.md "Policy"): one directive a line,
//   log <vkey> [url]                       exactly one; an Ed25519 (type 0x01) vkey
//   vrf <base64 public key>                at most one; 32 bytes, a ristretto255 point
//   witness <name> <vkey> [url]            a cosignature/v1 (type 0x04) vkey
//   group <name> <k|any|all> <member>...   members: witnesses or groups defined above
//   quorum <group or witness name | none>  the name must be defined above
//   freshness <seconds>                    at most one; default 86400
// plus blank lines and lines starting with '#'. Fields are separated by spaces or tabs.
// A missing quorum line means `none` when there are no witnesses and is an error otherwise.
// Witness and group names share one namespace; `none` is reserved. Every error is a
// FormatError ('bad-policy') naming the line.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { base64Decode, base64Encode, bytesEqual } from '../format/bytes.ts';
import { FormatError } from '../errors.ts';
import {
  isCosignatureVerifier,
  SIGNATURE_TYPE_ED25519,
  type CosignatureVerifier,
  type NoteVerifier,
} from '../format/note-key.ts';
import { formatVkey, parseVkey } from '../format/vkey.ts';

export const DEFAULT_FRESHNESS = 86400;

export interface PolicyLog {
  verifier: NoteVerifier;
  url?: string;
}

export interface PolicyWitness {
  /** The name groups and quorum refer to (a local label; the key's own name is in the vkey). */
  name: string;
  verifier: CosignatureVerifier;
  url?: string;
}

export type GroupThreshold = number | 'any' | 'all';

export interface PolicyGroup {
  name: string;
  threshold: GroupThreshold;
  members: string[];
}

export interface Policy {
  log: PolicyLog;
  /** The log's VRF public key (ristretto255, 32 bytes), if the policy names one. */
  vrf?: Uint8Array;
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  /** The witness or group whose cosignatures a checkpoint needs; null for `quorum none`. */
  quorum: string | null;
  /** Largest accepted age, in seconds, of the newest counting cosignature. */
  freshness: number;
}

/** How many satisfied members a group needs. */
export function groupRequired(group: PolicyGroup): number {
  if (group.threshold === 'any') return 1;
  if (group.threshold === 'all') return group.members.length;
  return group.threshold;
}

function lineError(line: number, why: string): FormatError {
  return new FormatError('bad-policy', `policy line ${line}: ${why}`);
}

function parseUrl(text: string, line: number): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw lineError(line, `invalid URL ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw lineError(line, `URL must be http(s): ${text}`);
  return text;
}

function parseKey(text: string, line: number): NoteVerifier {
  try {
    return parseVkey(text);
  } catch (e) {
    throw lineError(line, (e as Error).message);
  }
}

function parsePositiveInt(text: string, line: number, what: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw lineError(line, `${what} must be a positive decimal integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function isValidVrfKey(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  try {
    return !ristretto255.Point.fromBytes(key).is0();
  } catch {
    return false;
  }
}

/** Parses a policy file; see the header for the format. */
export function parsePolicy(text: string): Policy {
  let log: PolicyLog | undefined;
  let vrf: Uint8Array | undefined;
  let quorum: string | null | undefined;
  let freshness: number | undefined;
  const witnesses: PolicyWitness[] = [];
  const groups: PolicyGroup[] = [];
  const names = new Set<string>();
  const rawLines = text.split('\n');
  const defineName = (name: string, n: number) => {
    if (name === 'none') throw lineError(n, '"none" is reserved');
    if (names.has(name)) throw lineError(n, `${JSON.stringify(name)} is already defined`);
    names.add(name);
  };
  for (const [i, raw] of rawLines.entries()) {
    const n = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) throw lineError(n, 'control character');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [directive, ...args] = trimmed.split(/[ \t]+/);
    const arity = (min: number, max: number) => {
      if (args.length < min || args.length > max)
        throw lineError(n, `${directive} takes ${min === max ? min : `${min} to ${max}`} fields, got ${args.length}`);
    };
    switch (directive) {
      case 'log': {
        arity(1, 2);
        if (log) throw lineError(n, 'more than one log line');
        const verifier = parseKey(args[0], n);
        if (verifier.type !== SIGNATURE_TYPE_ED25519) throw lineError(n, 'the log key must be an Ed25519 (type 0x01) vkey');
        log = args[1] === undefined ? { verifier } : { verifier, url: parseUrl(args[1], n) };
        break;
      }
      case 'vrf': {
        arity(1, 1);
        if (vrf) throw lineError(n, 'more than one vrf line');
        let key: Uint8Array;
        try {
          key = base64Decode(args[0], 'vrf key');
        } catch (e) {
          throw lineError(n, (e as Error).message);
        }
        if (!isValidVrfKey(key)) throw lineError(n, 'vrf key must be a 32-byte ristretto255 point');
        vrf = key;
        break;
      }
      case 'witness': {
        arity(2, 3);
        const [name, vkey, url] = args;
        defineName(name, n);
        const verifier = parseKey(vkey, n);
        if (!isCosignatureVerifier(verifier)) throw lineError(n, 'a witness key must be a cosignature/v1 (type 0x04) vkey');
        for (const w of witnesses) {
          if (bytesEqual(w.verifier.publicKey, verifier.publicKey))
            throw lineError(n, `witness ${name} has the same public key as ${w.name}`);
          if (w.verifier.name === verifier.name && w.verifier.keyId === verifier.keyId)
            throw lineError(n, `witness ${name} has the same key name and ID as ${w.name}`);
        }
        witnesses.push(url === undefined ? { name, verifier } : { name, verifier, url: parseUrl(url, n) });
        break;
      }
      case 'group': {
        if (args.length < 3) throw lineError(n, 'group takes a name, a threshold and at least one member');
        const [name, thresholdText, ...members] = args;
        for (const m of members) {
          if (!names.has(m)) throw lineError(n, `member ${JSON.stringify(m)} is not a witness or group defined above`);
        }
        if (new Set(members).size !== members.length) throw lineError(n, 'a member is listed twice');
        defineName(name, n);
        let threshold: GroupThreshold;
        if (thresholdText === 'any' || thresholdText === 'all') threshold = thresholdText;
        else {
          threshold = parsePositiveInt(thresholdText, n, 'group threshold');
          if (threshold > members.length)
            throw lineError(n, `threshold ${threshold} is larger than the ${members.length} members`);
        }
        groups.push({ name, threshold, members });
        break;
      }
      case 'quorum': {
        arity(1, 1);
        if (quorum !== undefined) throw lineError(n, 'more than one quorum line');
        if (args[0] !== 'none' && !names.has(args[0]))
          throw lineError(n, `quorum ${JSON.stringify(args[0])} is not a witness or group defined above`);
        quorum = args[0] === 'none' ? null : args[0];
        break;
      }
      case 'freshness': {
        arity(1, 1);
        if (freshness !== undefined) throw lineError(n, 'more than one freshness line');
        freshness = parsePositiveInt(args[0], n, 'freshness');
        break;
      }
      default:
        throw lineError(n, `unknown directive ${JSON.stringify(directive)}`);
    }
  }
  const end = rawLines.length;
  if (!log) throw lineError(end, 'no log line (end of policy)');
  if (quorum === undefined) {
    if (witnesses.length > 0) throw lineError(end, 'witnesses are defined but there is no quorum line (end of policy)');
    quorum = null;
  }
  const policy: Policy = { log, witnesses, groups, quorum, freshness: freshness ?? DEFAULT_FRESHNESS };
  if (vrf) policy.vrf = vrf;
  return policy;
}

/** Formats a policy in the canonical layout; parsePolicy reads it back (checked). */
export function formatPolicy(policy: Policy): string {
  const tok = (s: string) => {
    if (s.length === 0 || /[\s\u0000-\u001f\u007f]/.test(s))
      throw new FormatError('bad-policy', `policy: ${JSON.stringify(s)} cannot be written as one field`);
    return s;
  };
  const lines: string[] = [];
  const withUrl = (s: string, url?: string) => (url === undefined ? s : `${s} ${tok(url)}`);
  lines.push(withUrl(`log ${formatVkey(policy.log.verifier)}`, policy.log.url));
  if (policy.vrf) lines.push(`vrf ${base64Encode(policy.vrf)}`);
  for (const w of policy.witnesses) lines.push(withUrl(`witness ${tok(w.name)} ${formatVkey(w.verifier)}`, w.url));
  for (const g of policy.groups) lines.push(`group ${tok(g.name)} ${g.threshold} ${g.members.map(tok).join(' ')}`);
  lines.push(`quorum ${policy.quorum === null ? 'none' : tok(policy.quorum)}`);
  lines.push(`freshness ${policy.freshness}`);
  const text = lines.join('\n') + '\n';
  parsePolicy(text);
  return text;
}
