// The cosigning client's pure parts: accepting a witness's answer (only lines of its own key
// that verify over this checkpoint), and deciding whether the gathered cosignatures let a
// checkpoint be served under the quorum.
import { parseNote, parseVkey } from '@glasskey/verifier';
import { describe, expect, it } from 'vitest';
import { cosign, generateSigner } from '../../log/note-signer.ts';
import { acceptCosignature } from '../../server/cosigning/cosignature-lines.ts';
import { WitnessResponseError } from '../../server/cosigning/errors.ts';
import { assembleServedNote } from '../../server/cosigning/served-note.ts';
import { parseWitnessesFile, witnessPolicy } from '../../server/cosigning/witnesses-file.ts';
import { MemoryLog } from './memory-log.ts';

const log = new MemoryLog().append(5);
const a = generateSigner('a.test/w', 0x04);
const b = generateSigner('b.test/w', 0x04);
const c = generateSigner('c.test/w', 0x04);
const set = parseWitnessesFile(
  `witness a ${a.vkey} http://a.test\nwitness b ${b.vkey} http://b.test\nwitness c ${c.vkey} http://c.test\ngroup two 2 a b c\nquorum two\n`,
);
const va = set.witnesses[0].verifier;
const now = () => Math.floor(Date.now() / 1000);

describe('acceptCosignature', () => {
  it('takes the newest valid line of the witness key and ignores other keys', () => {
    const t = now();
    const answer = cosign(log.body(), b, t) + cosign(log.body(), a, t - 5) + cosign(log.body(), a, t - 1);
    const got = acceptCosignature('a', va, log.body(), answer);
    expect(got.timestamp).toBe(t - 1);
    expect(got.line).toBe(cosign(log.body(), a, t - 1));
  });

  it('rejects an answer with no line of the witness key', () => {
    expect(() => acceptCosignature('a', va, log.body(), cosign(log.body(), b, now()))).toThrow(WitnessResponseError);
  });

  it('rejects a line of the witness key over another checkpoint', () => {
    const other = new MemoryLog(log.origin, log.signer).append(6);
    expect(() => acceptCosignature('a', va, log.body(), cosign(other.body(), a, now()))).toThrow(/no valid cosignature/);
  });

  it('rejects an answer that is not signature lines', () => {
    expect(() => acceptCosignature('a', va, log.body(), 'OK\n')).toThrow(/not a sequence of note signature lines/);
    expect(() => acceptCosignature('a', va, log.body(), '')).toThrow(WitnessResponseError);
    expect(() => acceptCosignature('a', va, log.body(), cosign(log.body(), a, now()).trimEnd())).toThrow(WitnessResponseError);
  });
});

describe('assembleServedNote', () => {
  const policy = witnessPolicy(set, parseVkey(log.vkey));
  const body = log.body();
  const line = (s: typeof a, t = now()) => cosign(body, s, t);

  it('serves when the quorum is met, with the lines in witness-file order', () => {
    const d = assembleServedNote(log.note(), [{ witness: 'b', body, line: line(b) }, { witness: 'a', body, line: line(a) }], policy, now());
    expect(d.ok).toBe(true);
    if (d.ok) expect(parseNote(d.note).signatures.map((s) => s.name)).toEqual([log.origin, 'a.test/w', 'b.test/w']);
  });

  it('does not serve below the quorum', () => {
    const d = assembleServedNote(log.note(), [{ witness: 'a', body, line: line(a) }], policy, now());
    expect(d).toEqual({ ok: false, reason: expect.stringMatching(/quorum not met/) });
  });

  it('leaves out lines over another body, of unknown witnesses, or that do not verify', () => {
    const other = new MemoryLog(log.origin, log.signer).append(7).body();
    const stale = { witness: 'b', body: other, line: cosign(other, b, now()) };
    const forged = { witness: 'c', body, line: line(b) };
    const stranger = { witness: 'z', body, line: line(generateSigner('z.test/w', 0x04)) };
    const d = assembleServedNote(log.note(), [{ witness: 'a', body, line: line(a) }, stale, forged, stranger], policy, now());
    expect(d.ok).toBe(false);
    const d2 = assembleServedNote(log.note(), [{ witness: 'a', body, line: line(a) }, stale, forged, { witness: 'c', body, line: line(c) }], policy, now());
    expect(d2.ok).toBe(true);
    if (d2.ok) expect(d2.note).toBe(log.note() + line(a) + line(c));
  });

  it('does not serve when the newest cosignature is older than the freshness', () => {
    const old = now() - 86400 - 100;
    const d = assembleServedNote(log.note(), [{ witness: 'a', body, line: line(a, old) }, { witness: 'b', body, line: line(b, old) }], policy, now());
    expect(d).toEqual({ ok: false, reason: expect.stringMatching(/older than/) });
  });
});
