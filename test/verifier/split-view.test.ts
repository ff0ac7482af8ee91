// SplitViewEvidence: made from real forked logs, it survives JSON and verifySplitViewEvidence
// accepts it; evidence about consistent checkpoints, forged with another key, or with any byte
// flipped, is rejected. The helpers that recover the earlier root from proofs agree with the
// reference tree.
import { expect, test } from 'vitest';
import {
  base64Decode,
  base64Encode,
  findSplitViewEvidence,
  formatSplitViewEvidence,
  makeSplitViewEvidence,
  parseSplitViewEvidence,
  readSignedCheckpoint,
  rootFromConsistencyProof,
  rootFromPredecessorProof,
  verifySplitViewEvidence,
  VerificationError,
  type SplitViewEvidence,
} from '@glasskey/verifier';
import { referenceConsistencyProof, referenceLeafHash, referenceRoot } from '../helpers/reference-tree.ts';
import { FakeLog, makeKeys } from './monitor-fake-server.ts';

const log = new FakeLog(makeKeys('evidence.test.example', 1));
log.appendRandom(50);
const fork = log.fork(30);
fork.appendRandom(40);
const key = log.policy.log.verifier;
const cp = (l: FakeLog, size: number) => readSignedCheckpoint(l.checkpoint(size), key);
const proofsOf = (l: FakeLog) => ({ consistencyProof: async (m: number, n: number) => l.consistencyProof(m, n) });

async function evidenceFor(a: number, b: number): Promise<SplitViewEvidence> {
  const found = await findSplitViewEvidence(cp(log, a), cp(fork, b), proofsOf(b >= a ? fork : log));
  if (found === null || found === 'consistent') throw new Error(`no evidence for ${a}, ${b}: ${found}`);
  return found;
}

function rejectedCode(evidence: unknown, under: Parameters<typeof verifySplitViewEvidence>[1] = log.policy): string {
  try {
    verifySplitViewEvidence(evidence, under);
  } catch (e) {
    expect(e).toBeInstanceOf(VerificationError);
    return (e as VerificationError).code;
  }
  return 'accepted';
}

test('real evidence (same size; larger; smaller) survives JSON and verifies', async () => {
  const same = await evidenceFor(45, 45);
  const back = parseSplitViewEvidence(formatSplitViewEvidence(same));
  expect(back).toEqual(same);
  expect(verifySplitViewEvidence(back, log.policy).kind).toBe('same-size-different-roots');
  const larger = await evidenceFor(37, 66);
  const v = verifySplitViewEvidence(JSON.parse(JSON.stringify(larger)), key);
  expect(v).toMatchObject({ kind: 'inconsistent-prefix', first: { size: 37 }, second: { size: 66 } });
  expect(base64Encode(v.firstRootInSecond)).toBe(base64Encode(fork.root(37)));
  // the fork is smaller: proofs come from the larger, original log
  const smaller = await findSplitViewEvidence(cp(log, 50), cp(fork, 31), proofsOf(log));
  expect(verifySplitViewEvidence(smaller, log.policy)).toMatchObject({ first: { size: 31 }, second: { size: 50 } });
});

test('consistent checkpoints are never evidence', async () => {
  expect(await findSplitViewEvidence(cp(log, 20), cp(fork, 60), proofsOf(fork))).toBe('consistent');
  const honest = makeSplitViewEvidence(cp(log, 20), cp(log, 50), log.root(20), log.consistencyProof(20, 50));
  expect(rejectedCode(honest)).toBe('not-a-split-view');
  // a garbage proof does not make evidence either
  const garbage = makeSplitViewEvidence(cp(log, 20), cp(log, 50), new Uint8Array(32).fill(7), log.consistencyProof(20, 50));
  expect(rejectedCode(garbage)).toBe('not-a-split-view');
});

test('evidence signed by another key (forged) is rejected', async () => {
  const forger = new FakeLog(makeKeys('evidence.test.example', 0));
  forger.appendRandom(10);
  const other = forger.fork(5);
  other.appendRandom(5);
  const forged = makeSplitViewEvidence(
    readSignedCheckpoint(forger.checkpoint(10), forger.policy.log.verifier),
    readSignedCheckpoint(other.checkpoint(10), forger.policy.log.verifier),
    other.root(10),
    [],
  );
  expect(verifySplitViewEvidence(forged, forger.policy).kind).toBe('same-size-different-roots');
  expect(rejectedCode(forged)).toMatch(/signature/);
});

test('flipping any byte of real evidence makes it rejected', async () => {
  const evidence = await evidenceFor(37, 66);
  expect(rejectedCode(evidence)).toBe('accepted');
  let checked = 0;
  // a byte in each note: origin, size, root, the log's signature, the witness's cosignature
  // (the last only matters under a policy that knows the witness: evidence needs no cosignature)
  for (const field of ['first', 'second'] as const) {
    const note = evidence[field];
    const lines = note.split('\n');
    const logSig = note.indexOf('\n\n') + 2 + lines[4].length - 5;
    const witnessSig = note.length - 10;
    for (const i of [0, note.indexOf('\n') + 1, note.indexOf('\n\n') - 3, logSig, witnessSig]) {
      const c = note.charCodeAt(i);
      const changed = { ...evidence, [field]: note.slice(0, i) + String.fromCharCode(c === 0x41 ? 0x42 : 0x41) + note.slice(i + 1) };
      expect(rejectedCode(changed), `${field}[${i}]`).not.toBe('accepted');
      if (i !== witnessSig) expect(rejectedCode(changed, key), `${field}[${i}] under the log key`).not.toBe('accepted');
      else expect(rejectedCode(changed, key)).toBe('accepted');
      checked++;
    }
  }
  const flip = (b64: string, i: number) => {
    const bytes = base64Decode(b64);
    bytes[i] ^= 0x80;
    return base64Encode(bytes);
  };
  for (const i of [0, 17, 31]) {
    expect(rejectedCode({ ...evidence, firstRootInSecond: flip(evidence.firstRootInSecond, i) })).toBe('not-a-split-view');
    checked++;
  }
  evidence.proof.forEach((h, j) => {
    const proof = [...evidence.proof];
    proof[j] = flip(h, j % 32);
    expect(rejectedCode({ ...evidence, proof })).toBe('not-a-split-view');
    checked++;
  });
  expect(rejectedCode({ ...evidence, proof: evidence.proof.slice(1) })).toBe('not-a-split-view');
  expect(rejectedCode({ ...evidence, first: evidence.second, second: evidence.first })).toBe('bad-evidence');
  expect(rejectedCode({ ...evidence, format: 'v0' })).toBe('bad-evidence');
  expect(checked).toBeGreaterThan(12);
});

test('earlier roots recovered from proofs equal the reference tree', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => referenceLeafHash(log.entry(i % 50)));
  for (let n = 2; n <= 70; n++) {
    for (let m = 1; m < n; m++) {
      const proof = referenceConsistencyProof(leaves, m, n);
      const x = rootFromConsistencyProof(m, n, proof);
      if ((m & (m - 1)) === 0) expect(x).toBeNull();
      else expect(base64Encode(x!)).toBe(base64Encode(referenceRoot(leaves, m)));
      if ((m & (m - 1)) === 0 && m >= 4) {
        const r = rootFromPredecessorProof(m, n, referenceConsistencyProof(leaves, m - 1, n))!;
        expect(base64Encode(r.root)).toBe(base64Encode(referenceRoot(leaves, m)));
        expect(r.proof.map(base64Encode)).toEqual(proof.map(base64Encode));
      }
    }
  }
});
