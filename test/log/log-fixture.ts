// Shared pieces of the log tests: a signing key for checkpoints, random entries, and a helper
// that appends and integrates entries in chosen batch sizes while keeping the reference tree.
import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import { parseVkey, verifyNote, parseCheckpoint, type NoteVerifier } from '@glasskey/verifier';
import { generateSigner, signNote } from '../../log/note-signer.ts';
import { appendPending, integrate, type IntegrateResult } from '../../log/index.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';

export const ORIGIN = 'log.test.glasskey.example';

export interface TestLogKey {
  origin: string;
  signCheckpoint: (body: string) => string;
  verifier: NoteVerifier;
}

export function testLogKey(origin = ORIGIN): TestLogKey {
  const signer = generateSigner(origin);
  return {
    origin,
    signCheckpoint: (body) => signNote(body, [signer]),
    verifier: parseVkey(signer.vkey),
  };
}

/**
 * n random entries (distinct with overwhelming probability): 102 bytes like glasskey's, or of
 * random lengths in [min, max] to exercise variable-length bundle items.
 */
export function randomEntries(n: number, lengths: { min: number; max: number } = { min: 102, max: 102 }): Uint8Array[] {
  const sizes = Array.from({ length: n }, () => lengths.min + Math.floor(Math.random() * (lengths.max - lengths.min + 1)));
  const all = randomBytes(sizes.reduce((a, b) => a + b, 0));
  let o = 0;
  return sizes.map((len) => new Uint8Array(all.subarray(o, (o += len))));
}

/** Checks a signed checkpoint: signature by the key, origin, and returns size and root. */
export function openTestCheckpoint(note: string, key: TestLogKey): { size: number; root: Uint8Array } {
  const opened = verifyNote(note, [key.verifier]);
  const cp = parseCheckpoint(opened.text);
  if (cp.origin !== key.origin) throw new Error(`origin ${cp.origin}`);
  return { size: cp.size, root: cp.root };
}

/**
 * Appends and integrates batches of the given sizes (each integrate call takes exactly one
 * batch), mirroring them in `tree`. Returns the integration results.
 */
export async function growLog(sql: Sql, key: TestLogKey, tree: ReferenceTree, batchSizes: number[]): Promise<IntegrateResult[]> {
  const out: IntegrateResult[] = [];
  for (const n of batchSizes) {
    const entries = randomEntries(n);
    for (let i = 0; i < n; i += 20000) await appendPending(sql, entries.slice(i, i + 20000));
    const r = await integrate(sql, { origin: key.origin, signCheckpoint: key.signCheckpoint, maxBatch: n });
    if (!r || r.appended !== n) throw new Error(`integrate appended ${r?.appended} of ${n}`);
    for (const e of entries) tree.append(e);
    out.push(r);
  }
  return out;
}
