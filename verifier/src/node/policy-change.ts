// What the CLI tells a user about the policy it trusts on first use (TOFU): the pinned policy
// in full (log vkey, VRF key, witnesses, quorum), and, when the server later serves a
// different one, both versions side by side with the differing lines marked and the parts
// that changed named. The pinned copy stays in use until the user adopts the new one
// (--repin). Policies are compared in their canonical form (formatPolicy): comments, blank
// lines and field spacing do not count as changes.
import { bytesEqual } from '../format/bytes.ts';
import { formatPolicy, type Policy } from '../client/policy.ts';
import { formatVkey } from '../format/vkey.ts';

/** What a server serves at /api/v1/policy: a policy, or why it is not one. */
export type ServedPolicy = { policy: Policy } | { error: string };

export interface PolicyChange {
  serverUrl: string;
  /** The pinned copy (still used). */
  pinnedFile: string;
  pinned: Policy;
  served: ServedPolicy;
}

export const samePolicy = (a: Policy, b: Policy): boolean => formatPolicy(a) === formatPolicy(b);

/** The parts of the policy that differ, in words: 'the log key', 'the VRF key', ... */
export function changedParts(a: Policy, b: Policy): string[] {
  const parts: string[] = [];
  if (formatVkey(a.log.verifier) !== formatVkey(b.log.verifier)) parts.push('the log key');
  if (a.log.url !== b.log.url) parts.push('the log URL');
  if (!(a.vrf === undefined ? b.vrf === undefined : b.vrf !== undefined && bytesEqual(a.vrf, b.vrf))) parts.push('the VRF key');
  const witnesses = (p: Policy) => p.witnesses.map((w) => `${w.name} ${formatVkey(w.verifier)} ${w.url ?? ''}`).join('\n');
  if (witnesses(a) !== witnesses(b)) parts.push('the witnesses');
  const groups = (p: Policy) => p.groups.map((g) => `${g.name} ${g.threshold} ${g.members.join(' ')}`).join('\n');
  if (groups(a) !== groups(b)) parts.push('the witness groups');
  if (a.quorum !== b.quorum) parts.push('the quorum');
  if (a.freshness !== b.freshness) parts.push('the freshness');
  return parts;
}

const policyLines = (p: Policy) => formatPolicy(p).trimEnd().split('\n');

/** The policy's lines, indented; with `other`, lines not in it are marked with `mark`. */
function listing(p: Policy, other?: Policy, mark = ' '): string {
  const theirs = other ? new Set(policyLines(other)) : undefined;
  return policyLines(p)
    .map((l) => `    ${theirs && !theirs.has(l) ? mark : ' '} ${l}`)
    .join('\n');
}

const prefix = 'glasskey-verify:';

/** Printed when a policy is pinned on first use. */
export function firstUseNotice(serverUrl: string, pinnedFile: string, policy: Policy): string {
  return (
    `${prefix} TRUST ON FIRST USE: no --policy given and none pinned for ${serverUrl}, so the policy it serves ` +
    `was accepted as is and pinned in ${pinnedFile}:\n${listing(policy)}\n` +
    `  Compare the log key (log line) and the VRF key (vrf line) with ones you got another way, from the operator. ` +
    `From now on this copy is used: a server that serves another policy is reported, never followed (--repin adopts it).`
  );
}

/** Printed when the server serves a policy other than the pinned one (which stays in use). */
export function policyChangeReport(c: PolicyChange): string {
  const head = `${prefix} POLICY CHANGED: ${c.serverUrl} now serves a policy that differs from the one pinned in ${c.pinnedFile}.`;
  if ('error' in c.served) {
    return (
      `${head}\n  pinned (still used):\n${listing(c.pinned)}\n` +
      `  served now: not a valid policy (${c.served.error})\n` +
      `  The pinned policy stays in use.`
    );
  }
  const served = c.served.policy;
  return (
    `${head} Changed: ${changedParts(c.pinned, served).join(', ')}.\n` +
    `  pinned (still used; - marks lines the server no longer serves):\n${listing(c.pinned, served, '-')}\n` +
    `  served now (NOT adopted; + marks new lines):\n${listing(served, c.pinned, '+')}\n` +
    `  The pinned policy stays in use. If the operator announced this change (check it another way), adopt the ` +
    `new policy with --repin. A new log or VRF key can also mean this is not the server you pinned.`
  );
}

/** Printed when --repin replaced the pinned policy (or found nothing to replace). */
export function repinNotice(serverUrl: string, pinnedFile: string, before: Policy, after: Policy, keptIn: string | null): string {
  if (samePolicy(before, after))
    return `${prefix} --repin: ${serverUrl} serves the policy already pinned in ${pinnedFile}; nothing changed.`;
  return (
    `${prefix} REPINNED: the policy ${serverUrl} serves now replaces the one pinned in ${pinnedFile}` +
    `${keptIn ? ` (the old one is kept in ${keptIn})` : ''}. Changed: ${changedParts(before, after).join(', ')}.\n` +
    `  before (- marks lines dropped):\n${listing(before, after, '-')}\n` +
    `  pinned now (+ marks new lines):\n${listing(after, before, '+')}`
  );
}

/** The change as one JSON object (monitor --json): both versions in canonical form. */
export function policyChangeJson(c: PolicyChange): Record<string, unknown> {
  const served = 'error' in c.served ? { served: null, servedError: c.served.error } : { served: formatPolicy(c.served.policy) };
  return {
    type: 'policy-changed',
    server: c.serverUrl,
    pinnedFile: c.pinnedFile,
    changed: 'error' in c.served ? ['the policy is not valid'] : changedParts(c.pinned, c.served.policy),
    pinned: formatPolicy(c.pinned),
    ...served,
  };
}

/** A key telling one served version from another (to report each new one once). */
export const servedKey = (s: ServedPolicy): string => ('error' in s ? `error: ${s.error}` : formatPolicy(s.policy));
