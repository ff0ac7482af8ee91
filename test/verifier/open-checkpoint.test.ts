// openCheckpoint: the real arche2025h1 checkpoint with its four real witness cosignatures, and
// checkpoints signed here (node:crypto via log/note-signer.ts) to exercise quorum groups
// (k/any/all, nested), quorum none, freshness, clock skew, unknown and duplicate witnesses,
// and flipped bytes.
import { describe, expect, test } from 'vitest';
import {
  COSIGNATURE_CLOCK_SKEW,
  formatCheckpoint,
  FormatError,
  openCheckpoint,
  parsePolicy,
  PolicyError,
  SignatureError,
  VerificationError,
} from '@glasskey/verifier';
import { cosign, signerFromSeed, signNote, type NoteSigner } from '../../log/note-signer.ts';
import { readVectorJson } from '../helpers/vectors.ts';

const NOTE = readVectorJson('note/vectors.json');
const COSIG = readVectorJson('cosignature/vectors.json');

const seed = (n: number) => new Uint8Array(32).fill(n);
const LOG = signerFromSeed('log.glasskey.test', 1, seed(1));
const W: NoteSigner[] = [0, 1, 2, 3, 4, 5].map((i) => signerFromSeed(`witness${i}.test/w`, 4, seed(10 + i)));
const STRANGER = signerFromSeed('stranger.test/w', 4, seed(99));
const NOW = 1_800_000_000;
const ROOT = new Uint8Array(32).map((_, i) => i * 7);
const BODY = formatCheckpoint({ origin: LOG.name, size: 12345, root: ROOT });

function policy(lines: string, freshness?: number) {
  const witnesses = W.map((w, i) => `witness w${i} ${w.vkey}`).join('\n');
  return parsePolicy(`log ${LOG.vkey}\n${witnesses}\n${lines}\n${freshness ? `freshness ${freshness}\n` : ''}`);
}

/** A checkpoint signed by the log and cosigned by witness i at time t for each [i, t]. */
function checkpoint(cosigs: [number | NoteSigner, number][], body = BODY): string {
  return signNote(body, [LOG]) + cosigs.map(([w, t]) => cosign(body, typeof w === 'number' ? W[w] : w, t)).join('');
}

function rejects(fn: () => unknown, cls: typeof VerificationError, code: string, message?: RegExp) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  expect((err as VerificationError).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}

describe('real checkpoint', () => {
  const logVkey = NOTE.keys.find((k: any) => k.id === 'arche2025h1-log').vkey;
  const p = (quorum: string, freshness = 3600) =>
    parsePolicy(
      `log ${logVkey}\n${COSIG.vectors.map((v: any, i: number) => `witness r${i} ${v.vkey}`).join('\n')}\n` +
        `group all4 all r0 r1 r2 r3\ngroup three 3 r0 r1 r2 r3\n${quorum}\nfreshness ${freshness}\n`,
    );
  const T = 1779573024;

  test('opens with all four real cosignatures', () => {
    const cp = openCheckpoint(COSIG.checkpoint.fullSignedNote, p('quorum all4'), T + 60);
    expect(cp.origin).toBe(COSIG.checkpoint.origin);
    expect(cp.size).toBe(1432088532);
    expect(Buffer.from(cp.root).toString('base64')).toBe(COSIG.checkpoint.rootHashBase64);
    expect(cp.body).toBe(COSIG.checkpoint.body);
    expect(cp.note).toBe(COSIG.checkpoint.fullSignedNote);
    expect(cp.cosignatures.map((c) => [c.witness, c.keyId.toString(16).padStart(8, '0'), c.timestamp])).toEqual(
      COSIG.vectors.map((v: any, i: number) => [`r${i}`, v.keyIdHex, T]),
    );
  });

  test('stale and too-far-future times are refused; freshness edge is inclusive', () => {
    rejects(() => openCheckpoint(COSIG.checkpoint.fullSignedNote, p('quorum three'), T + 3601), PolicyError, 'stale-checkpoint');
    expect(openCheckpoint(COSIG.checkpoint.fullSignedNote, p('quorum three'), T + 3600).size).toBe(1432088532);
    rejects(
      () => openCheckpoint(COSIG.checkpoint.fullSignedNote, p('quorum three'), T - COSIGNATURE_CLOCK_SKEW - 1),
      PolicyError,
      'cosignature-in-future',
    );
    expect(openCheckpoint(COSIG.checkpoint.fullSignedNote, p('quorum three'), T - COSIGNATURE_CLOCK_SKEW).size).toBe(1432088532);
  });

  test('the clobbered-size checkpoint is rejected', () => {
    const forged = COSIG.checkpoint.fullSignedNote.replace('\n1432088532\n', '\n42\n');
    rejects(() => openCheckpoint(forged, p('quorum all4'), T), SignatureError, 'invalid-signature');
  });
});

describe('quorum', () => {
  test('none: log signature only, freshness not applied', () => {
    const cp = openCheckpoint(checkpoint([]), policy('quorum none', 60), NOW);
    expect(cp.size).toBe(12345);
    expect(cp.root).toEqual(ROOT);
    expect(cp.extensions).toEqual([]);
    expect(cp.cosignatures).toEqual([]);
    // Cosignatures are still verified and reported, however old.
    const old = openCheckpoint(checkpoint([[0, 5]]), policy('quorum none', 60), NOW);
    expect(old.cosignatures).toEqual([{ witness: 'w0', keyId: W[0].keyId, timestamp: 5 }]);
    // No quorum line and no witnesses means none.
    expect(openCheckpoint(checkpoint([]), parsePolicy(`log ${LOG.vkey}\n`), NOW).size).toBe(12345);
  });

  test('single witness', () => {
    expect(openCheckpoint(checkpoint([[2, NOW]]), policy('quorum w2'), NOW).cosignatures[0].witness).toBe('w2');
    rejects(() => openCheckpoint(checkpoint([[1, NOW]]), policy('quorum w2'), NOW), PolicyError, 'quorum-not-met', /witness w2/);
  });

  test('k of n', () => {
    const p = policy('group g 2 w0 w1 w2\nquorum g');
    expect(openCheckpoint(checkpoint([[0, NOW], [2, NOW]]), p, NOW).cosignatures).toHaveLength(2);
    expect(openCheckpoint(checkpoint([[0, NOW], [1, NOW], [2, NOW]]), p, NOW).cosignatures).toHaveLength(3);
    rejects(() => openCheckpoint(checkpoint([[0, NOW]]), p, NOW), PolicyError, 'quorum-not-met', /group g has 1 of the 2 required \(missing: w1, w2\)/);
    // Witnesses outside the group do not help.
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [3, NOW], [4, NOW]]), p, NOW), PolicyError, 'quorum-not-met');
  });

  test('any and all', () => {
    const any = policy('group g any w0 w1\nquorum g');
    const all = policy('group g all w0 w1\nquorum g');
    expect(openCheckpoint(checkpoint([[1, NOW]]), any, NOW).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[2, NOW]]), any, NOW), PolicyError, 'quorum-not-met');
    expect(openCheckpoint(checkpoint([[0, NOW], [1, NOW]]), all, NOW).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[1, NOW]]), all, NOW), PolicyError, 'quorum-not-met', /missing: w0/);
  });

  test('nested groups; the error names the group that fell short', () => {
    const p = policy('group eu 2 w0 w1 w2\ngroup us any w3 w4\ngroup top all eu us\nquorum top');
    expect(openCheckpoint(checkpoint([[0, NOW], [1, NOW], [4, NOW]]), p, NOW).cosignatures).toHaveLength(3);
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [1, NOW], [5, NOW]]), p, NOW), PolicyError, 'quorum-not-met', /group top .*missing: us.*group us has 0 of the 1/);
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [3, NOW]]), p, NOW), PolicyError, 'quorum-not-met', /missing: eu\).*group eu has 1 of the 2/);
    const deeper = policy('group a any w0 w1\ngroup b 2 a w2 w3\nquorum b');
    expect(openCheckpoint(checkpoint([[1, NOW], [3, NOW]]), deeper, NOW).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[2, NOW], [5, NOW]]), deeper, NOW), PolicyError, 'quorum-not-met');
  });

  test('unknown witnesses are ignored', () => {
    const p = policy('group g 2 w0 w1 w2\nquorum g');
    const cp = openCheckpoint(checkpoint([[STRANGER, NOW], [0, NOW], [1, NOW]]), p, NOW);
    expect(cp.cosignatures.map((c) => c.witness)).toEqual(['w0', 'w1']);
    rejects(() => openCheckpoint(checkpoint([[STRANGER, NOW], [0, NOW]]), p, NOW), PolicyError, 'quorum-not-met');
  });

  test('duplicate cosignatures from one witness count once (newest time reported)', () => {
    const p = policy('group g 2 w0 w1 w2\nquorum g');
    const dup = checkpoint([[0, NOW - 10], [0, NOW - 5], [0, NOW - 10]]);
    rejects(() => openCheckpoint(dup, p, NOW), PolicyError, 'quorum-not-met', /has 1 of the 2/);
    const ok = openCheckpoint(checkpoint([[0, NOW - 10], [0, NOW - 5], [1, NOW - 100]]), p, NOW);
    expect(ok.cosignatures).toEqual([
      { witness: 'w0', keyId: W[0].keyId, timestamp: NOW - 5 },
      { witness: 'w1', keyId: W[1].keyId, timestamp: NOW - 100 },
    ]);
  });
});

describe('freshness', () => {
  const p = policy('group g 2 w0 w1 w2\nquorum g', 600);

  test('the newest counting cosignature decides', () => {
    expect(openCheckpoint(checkpoint([[0, NOW - 5000], [1, NOW - 600]]), p, NOW).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[0, NOW - 5000], [1, NOW - 601]]), p, NOW), PolicyError, 'stale-checkpoint');
  });

  test('a fresh cosignature from a witness outside the quorum does not count', () => {
    rejects(() => openCheckpoint(checkpoint([[0, NOW - 5000], [1, NOW - 5000], [3, NOW]]), p, NOW), PolicyError, 'stale-checkpoint');
  });

  test('cosignatures from the future beyond the skew are refused', () => {
    expect(openCheckpoint(checkpoint([[0, NOW], [1, NOW + COSIGNATURE_CLOCK_SKEW]]), p, NOW).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [1, NOW + COSIGNATURE_CLOCK_SKEW + 1]]), p, NOW), PolicyError, 'cosignature-in-future');
  });

  test('default clock is Date.now()', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(openCheckpoint(checkpoint([[0, now], [1, now]]), p).size).toBe(12345);
    rejects(() => openCheckpoint(checkpoint([[0, now - 700], [1, now - 700]]), p), PolicyError, 'stale-checkpoint');
  });
});

describe('signatures and origin', () => {
  const p = policy('group g 2 w0 w1 w2\nquorum g');

  test('the log signature is required', () => {
    const witnessOnly = `${BODY}\n${cosign(BODY, W[0], NOW)}${cosign(BODY, W[1], NOW)}`;
    rejects(() => openCheckpoint(witnessOnly, p, NOW), SignatureError, 'missing-log-signature');
    const otherLog = signerFromSeed(LOG.name, 1, seed(2));
    rejects(() => openCheckpoint(signNote(BODY, [otherLog]) + cosign(BODY, W[0], NOW), p, NOW), SignatureError, 'missing-log-signature');
    rejects(() => openCheckpoint(signNote(BODY, [otherLog]), p, NOW), SignatureError, 'no-verifiable-signatures');
  });

  test('the origin must be the log key name', () => {
    const body = formatCheckpoint({ origin: 'someone.else/log', size: 1, root: ROOT });
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [1, NOW]], body), p, NOW), PolicyError, 'origin-mismatch');
  });

  test('the body must be a checkpoint', () => {
    rejects(() => openCheckpoint(checkpoint([[0, NOW], [1, NOW]], `${LOG.name}\n01\nAAAA\n`), p, NOW), FormatError, 'malformed-checkpoint');
  });

  test('a failing cosignature from a known witness rejects the note', () => {
    const good = checkpoint([[0, NOW], [1, NOW]]);
    const badLine = cosign(BODY.replace('12345', '12346'), W[2], NOW);
    rejects(() => openCheckpoint(good + badLine, p, NOW), SignatureError, 'invalid-signature');
  });

  test('extensions are returned and signed', () => {
    const body = formatCheckpoint({ origin: LOG.name, size: 9, root: ROOT, extensions: ['ext a', 'ext b'] });
    const cp = openCheckpoint(checkpoint([[0, NOW], [1, NOW]], body), p, NOW);
    expect(cp.extensions).toEqual(['ext a', 'ext b']);
    expect(cp.body).toBe(body);
  });

  test('every single flipped byte is rejected (string and byte input)', () => {
    const note = checkpoint([[0, NOW], [1, NOW]]);
    const bytes = new TextEncoder().encode(note);
    expect(openCheckpoint(bytes, p, NOW).note).toBe(note);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes.slice();
      b[i] ^= 0x04;
      expect(() => openCheckpoint(b, p, NOW), `byte ${i}`).toThrow(VerificationError);
    }
  });
});
