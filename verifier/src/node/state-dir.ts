// The CLI's state directory: where heads (heads.json, shared by lookup and monitor), monitor
// state (monitor.json), pinned policies (policies/, with the copies --repin replaced) and
// split-view evidence (evidence/) live; and how a pinned policy is used, compared with what
// the server serves now, and replaced.
// Default: $GLASSKEY_STATE, else $XDG_STATE_HOME/glasskey-verify, else ~/.local/state/glasskey-verify.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexEncode, utf8Encode } from '../format/bytes.ts';
import { FormatError } from '../errors.ts';
import { FetchError } from '../client/http-get.ts';
import type { LogClient } from '../client/log-client.ts';
import { parsePolicy, type Policy } from '../client/policy.ts';
import { formatSplitViewEvidence, type SplitViewEvidence } from '../client/split-view.ts';
import { UsageError } from './cli-args.ts';
import { writeFileAtomic } from './file-storage.ts';
import { firstUseNotice, policyChangeReport, repinNotice, samePolicy, type PolicyChange, type ServedPolicy } from './policy-change.ts';

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GLASSKEY_STATE) return env.GLASSKEY_STATE;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'glasskey-verify');
}

export const headsPath = (dir: string) => join(dir, 'heads.json');
export const monitorStatePath = (dir: string) => join(dir, 'monitor.json');

/** policies/<host_port_path>-<8 hex of SHA-256(url)>.policy */
export function pinnedPolicyPath(dir: string, serverUrl: string): string {
  const u = new URL(serverUrl);
  const readable = `${u.host}${u.pathname}`.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/_+$/, '');
  const tag = hexEncode(sha256(utf8Encode(u.toString()))).slice(0, 8);
  return join(dir, 'policies', `${readable}-${tag}.policy`);
}

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from: the --policy file or the pinned copy. */
  source: string;
  /** Whether it was pinned just now (trust on first use, or --repin). */
  pinnedNow: boolean;
  /** What to tell the user (stderr): the pinned policy on first use, a change on the server, a repin. */
  notice: string | null;
  /** The pinned copy was used and the server now serves another policy (not adopted). */
  change?: PolicyChange;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return undefined;
  }
}

const pinHeader = (serverUrl: string, how: string) =>
  `# Pinned by glasskey-verify on ${new Date().toISOString()} from ${serverUrl} (${how})\n` +
  `# TRUST ON FIRST USE: this is what the server said its keys are. Check the log key with\n` +
  `# its operator through another channel; later runs use this copy, never the server's.\n`;

/** The policy the server serves now; null when it cannot be fetched (the command's own requests will say why). */
export async function fetchServedPolicy(client: LogClient): Promise<{ text: string; served: ServedPolicy } | null> {
  let text: string;
  try {
    text = await client.policyText();
  } catch (e) {
    if (e instanceof FetchError) return null;
    throw e;
  }
  try {
    return { text, served: { policy: parsePolicy(text) } };
  } catch (e) {
    return { text, served: { error: (e as Error).message } };
  }
}

/** The served policy when it differs from the pinned one, else undefined. */
export function policyChange(serverUrl: string, pinnedFile: string, pinned: Policy, served: ServedPolicy): PolicyChange | undefined {
  if ('policy' in served && samePolicy(pinned, served.policy)) return undefined;
  return { serverUrl, pinnedFile, pinned, served };
}

/**
 * The policy to verify under: the --policy file; else the copy pinned for this server (and
 * the server's current policy is compared with it: a difference is reported, never adopted);
 * else the server's own policy, fetched now and pinned (trust on first use). With `repin`,
 * the server's current policy replaces the pinned copy, which is kept beside it.
 */
export async function loadPolicy(
  policyFile: string | undefined,
  client: LogClient,
  stateDir: string,
  options: { repin?: boolean } = {},
): Promise<LoadedPolicy> {
  if (policyFile !== undefined) {
    if (options.repin) throw new UsageError("--repin adopts the server's policy; it cannot be combined with --policy");
    return { policy: parsePolicy(await readFile(policyFile, 'utf8')), source: policyFile, pinnedNow: false, notice: null };
  }
  const pinnedFile = pinnedPolicyPath(stateDir, client.serverUrl);
  const pinnedText = await readIfExists(pinnedFile);
  if (pinnedText === undefined) {
    const served = await client.policyText();
    const policy = parsePolicy(served);
    await writeFileAtomic(pinnedFile, pinHeader(client.serverUrl, 'first use') + served);
    return { policy, source: pinnedFile, pinnedNow: true, notice: firstUseNotice(client.serverUrl, pinnedFile, policy) };
  }
  const pinned = parsePolicy(pinnedText);
  if (options.repin) {
    const servedText = await client.policyText();
    let policy: Policy;
    try {
      policy = parsePolicy(servedText);
    } catch (e) {
      throw new FormatError('bad-policy', `--repin: the policy ${client.serverUrl} serves is not valid, the pinned copy is kept: ${(e as Error).message}`);
    }
    let keptIn: string | null = null;
    if (!samePolicy(pinned, policy)) {
      keptIn = `${pinnedFile}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await writeFileAtomic(keptIn, pinnedText);
      await writeFileAtomic(pinnedFile, pinHeader(client.serverUrl, 'repinned with --repin') + servedText);
    }
    return { policy, source: pinnedFile, pinnedNow: keptIn !== null, notice: repinNotice(client.serverUrl, pinnedFile, pinned, policy, keptIn) };
  }
  const current = await fetchServedPolicy(client);
  const change = current ? policyChange(client.serverUrl, pinnedFile, pinned, current.served) : undefined;
  return { policy: pinned, source: pinnedFile, pinnedNow: false, notice: change ? policyChangeReport(change) : null, ...(change ? { change } : {}) };
}

/** Saves evidence as evidence/<unix ms>-<first 8 hex of its SHA-256>.json; returns the path. */
export async function saveEvidence(dir: string, evidence: SplitViewEvidence): Promise<string> {
  const text = formatSplitViewEvidence(evidence);
  const path = join(dir, 'evidence', `${Date.now()}-${hexEncode(sha256(utf8Encode(text))).slice(0, 8)}.json`);
  await writeFileAtomic(path, text);
  return path;
}
