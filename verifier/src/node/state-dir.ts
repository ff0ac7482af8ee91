// The CLI's state directory: where heads (heads.json, shared by lookup and monitor), monitor
// state (monitor.json), pinned policies (policies/) and split-view evidence (evidence/) live.
// Default: $GLASSKEY_STATE, else $XDG_STATE_HOME/glasskey-verify, else ~/.local/state/glasskey-verify.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexEncode, utf8Encode } from '../format/bytes.ts';
import type { LogClient } from '../client/log-client.ts';
import { parsePolicy, type Policy } from '../client/policy.ts';
import { formatSplitViewEvidence, type SplitViewEvidence } from '../client/split-view.ts';
import { writeFileAtomic } from './file-storage.ts';

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
  /** Where it came from, and whether it was pinned just now (trust on first use). */
  source: string;
  pinnedNow: boolean;
}

/**
 * The policy to verify under: the --policy file; else the copy pinned for this server; else
 * the server's own policy, fetched now and pinned (trust on first use).
 */
export async function loadPolicy(policyFile: string | undefined, client: LogClient, stateDir: string): Promise<LoadedPolicy> {
  if (policyFile !== undefined) return { policy: parsePolicy(await readFile(policyFile, 'utf8')), source: policyFile, pinnedNow: false };
  const pinned = pinnedPolicyPath(stateDir, client.serverUrl);
  let text: string | undefined;
  try {
    text = await readFile(pinned, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) return { policy: parsePolicy(text), source: pinned, pinnedNow: false };
  const served = await client.policyText();
  const policy = parsePolicy(served);
  const header = `# Pinned by glasskey-verify on ${new Date().toISOString()} from ${client.serverUrl}\n# TRUST ON FIRST USE: this is what the server said its keys are. Check the log key with\n# its operator through another channel; later runs use this copy, never the server's.\n`;
  await writeFileAtomic(pinned, header + served);
  return { policy, source: pinned, pinnedNow: true };
}

export function tofuNotice(loaded: LoadedPolicy): string {
  return (
    `glasskey-verify: TRUST ON FIRST USE: no --policy given, so the policy this server serves was ` +
    `accepted as is and pinned in ${loaded.source}. Compare its log key (${loaded.policy.log.verifier.name}) with one ` +
    `you got from somewhere else; from now on this copy is used and a server that changes its keys is refused.`
  );
}

/** Saves evidence as evidence/<unix ms>-<first 8 hex of its SHA-256>.json; returns the path. */
export async function saveEvidence(dir: string, evidence: SplitViewEvidence): Promise<string> {
  const text = formatSplitViewEvidence(evidence);
  const path = join(dir, 'evidence', `${Date.now()}-${hexEncode(sha256(utf8Encode(text))).slice(0, 8)}.json`);
  await writeFileAtomic(path, text);
  return path;
}
