// The witness against c2sp.org/tlog-witness v1.0.0 over real HTTP, on a real PostgreSQL:
// every status code, the order of the checks, rollback and fork attempts, the cosignature
// (verified with the verifier, and a flipped byte must fail), and evidence kept for refusals.
import {
  base64Decode,
  base64Encode,
  cosignatureVerifier,
  formatCheckpoint,
  openCheckpoint,
  parsePolicy,
  parseVkey,
  SignatureError,
  verifyNote,
  type CosignatureVerifier,
} from '@glasskey/verifier';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigner, signNote } from '../../log/note-signer.ts';
import { selectRefusals } from '../../server/witness/state-queries.ts';
import { MemoryLog, requestBody } from './memory-log.ts';
import { startTestWitness, type TestWitness } from './witness-fixture.ts';

const logs = Array.from({ length: 40 }, () => new MemoryLog());
let nextLog = 0;
const freshLog = () => logs[nextLog++];
const unconfigured = new MemoryLog();

let w: TestWitness;
let verifier: CosignatureVerifier;

beforeAll(async () => {
  w = await startTestWitness(logs.map((l) => `log ${l.vkey} https://${l.origin}`));
  verifier = parseVkey(w.vkey) as CosignatureVerifier;
});
afterAll(async () => {
  await w?.close();
});

async function submit(oldSize: number, proof: readonly Uint8Array[], note: string) {
  const res = await w.post(requestBody(oldSize, proof, note));
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Gets `log` cosigned at `size` from whatever the witness has (old 0 first). */
async function cosignAt(log: MemoryLog, size: number, oldSize = 0) {
  const r = await submit(oldSize, oldSize === 0 ? [] : log.consistencyProof(oldSize, size), log.note(size));
  expect(r.status, r.text).toBe(200);
  return r.text;
}

describe('200: cosigning', () => {
  it('accepts a first checkpoint with old 0 and an empty proof, with a valid cosignature/v1 of the current time', async () => {
    const log = freshLog().append(7);
    const before = Math.floor(Date.now() / 1000);
    const r = await submit(0, [], log.note());
    const after = Math.floor(Date.now() / 1000);
    expect(r.status, r.text).toBe(200);
    expect(r.text).toMatch(/^\u2014 \S+ \S+\n$/);
    expect(r.text.startsWith(`\u2014 ${w.name} `)).toBe(true);

    // As the spec suggests: concatenate to the checkpoint and verify as a note with the witness key.
    const opened = verifyNote(`${log.body()}\n${r.text}`, [verifier]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.verified[0].type).toBe(0x04);
    expect(opened.verified[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(opened.verified[0].timestamp).toBeLessThanOrEqual(after);

    // And under a client policy that needs this witness.
    const policy = parsePolicy(`log ${log.vkey}\nwitness w ${w.vkey}\nquorum w\n`);
    const cp = openCheckpoint(log.note() + r.text, policy);
    expect(cp.size).toBe(7);
    expect(cp.cosignatures.map((c) => c.witness)).toEqual(['w']);
  });

  it('gives a cosignature in which any flipped byte fails verification', async () => {
    const log = freshLog().append(3);
    const line = await cosignAt(log, 3);
    const [, name, b64] = /^\u2014 (\S+) (\S+)\n$/.exec(line)!;
    const raw = base64Decode(b64, 'cosignature');
    expect(raw.length).toBe(4 + 8 + 64);
    const policy = parsePolicy(`log ${log.vkey}\nwitness w ${w.vkey}\nquorum w\n`);
    // Bytes 0-3 are the key ID (a change makes the line unknown, so the quorum fails); the
    // timestamp and signature bytes are covered by the signature.
    for (const i of [0, 3, 4, 11, 12, 40, raw.length - 1]) {
      const bad = raw.slice();
      bad[i] ^= 0x01;
      const badLine = `\u2014 ${name} ${base64Encode(bad)}\n`;
      expect(() => openCheckpoint(log.note() + badLine, policy), `byte ${i}`).toThrow();
    }
    const cv = cosignatureVerifier(verifier.name, verifier.publicKey);
    const body = new TextEncoder().encode(log.body());
    const bad = raw.slice(4);
    bad[20] ^= 0x80;
    expect(cv.verify(body, raw.slice(4))).toBe(true);
    expect(cv.verify(body, bad)).toBe(false);
  });

  it('accepts a consistent larger checkpoint with the proof from the size it cosigned, and moves on', async () => {
    const log = freshLog().append(5);
    await cosignAt(log, 5);
    log.append(8);
    const line = await cosignAt(log, 13, 5);
    expect(verifyNote(`${log.body(13)}\n${line}`, [verifier]).verified).toHaveLength(1);
    // The stored size is now 13: old 5 no longer matches.
    const again = await submit(5, log.consistencyProof(5, 13), log.note(13));
    expect(again.status).toBe(409);
    expect(again.text).toBe('13\n');
  });

  it('cosigns the same checkpoint again (old = size, empty proof), as a log refreshing its cosignatures does', async () => {
    const log = freshLog().append(4);
    await cosignAt(log, 4);
    const r = await submit(4, [], log.note(4));
    expect(r.status, r.text).toBe(200);
    expect(verifyNote(`${log.body(4)}\n${r.text}`, [verifier]).verified).toHaveLength(1);
  });

  it('accepts a checkpoint of size 0 with the empty root, and then grows from it', async () => {
    const log = freshLog();
    expect((await submit(0, [], log.note(0))).status).toBe(200);
    log.append(2);
    await cosignAt(log, 2, 0);
  });

  it('ignores signatures from unknown keys next to a valid log signature', async () => {
    const log = freshLog().append(2);
    const stranger = generateSigner('stranger.test/key');
    const note = signNote(log.body(), [stranger, log.signer]);
    const r = await submit(0, [], note);
    expect(r.status, r.text).toBe(200);
  });
});

describe('404: unknown origin', () => {
  it('refuses a validly signed checkpoint of a log it is not configured for', async () => {
    unconfigured.append(3);
    const r = await submit(0, [], unconfigured.note());
    expect(r.status).toBe(404);
    expect(r.text).toContain(unconfigured.origin);
  });

  it('checks the origin before the signature', async () => {
    const stranger = generateSigner(unconfigured.origin);
    expect((await submit(0, [], signNote(unconfigured.body(), [stranger]))).status).toBe(404);
  });
});

describe('403: missing or invalid log signature', () => {
  it('refuses a checkpoint signed by another key under the log origin (unknown key)', async () => {
    const log = freshLog().append(3);
    const impostor = generateSigner(log.origin);
    const r = await submit(0, [], signNote(log.body(), [impostor]));
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/no signature from a trusted key/);
    // Nothing was stored: the genuine checkpoint is still accepted from old 0.
    await cosignAt(log, 3);
  });

  it('refuses a checkpoint whose log signature has a flipped byte', async () => {
    const log = freshLog().append(3);
    const note = log.note();
    const m = /\u2014 (\S+) (\S+)\n$/.exec(note)!;
    const raw = base64Decode(m[2], 'sig');
    raw[10] ^= 0x04;
    const bad = note.slice(0, m.index) + `\u2014 ${m[1]} ${base64Encode(raw)}\n`;
    const r = await submit(0, [], bad);
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/invalid signature/);
  });

  it('refuses a checkpoint whose text was changed after signing', async () => {
    const log = freshLog().append(3);
    const other = formatCheckpoint({ origin: log.origin, size: 3, root: new Uint8Array(randomBytes(32)) });
    const sigs = log.note().slice(log.body().length);
    expect((await submit(0, [], other + sigs)).status).toBe(403);
  });

  it('checks the signature before old <= size', async () => {
    const log = freshLog().append(3);
    const impostor = generateSigner(log.origin);
    expect((await submit(9, [], signNote(log.body(), [impostor]))).status).toBe(403);
  });
});

describe('400: malformed requests', () => {
  const log = new MemoryLog().append(2);
  const note = log.note();
  const hash = base64Encode(new Uint8Array(32));
  const cases: [string, string][] = [
    ['no old line', `\n${note}`],
    ['old with a leading zero', `old 01\n\n${note}`],
    ['negative old', `old -1\n\n${note}`],
    ['old with two spaces', `old  1\n\n${note}`],
    ['old in capitals', `OLD 0\n\n${note}`],
    ['no empty line', `old 0\n${hash}\n`],
    ['a proof line that is not base64', `old 0\nnot base64!\n\n${note}`],
    ['a proof line of 31 bytes', `old 0\n${base64Encode(new Uint8Array(31))}\n\n${note}`],
    ['64 proof lines', `old 0\n${`${hash}\n`.repeat(64)}\n${note}`],
    ['no checkpoint', `old 0\n\n`],
    ['a checkpoint without signatures', `old 0\n\n${log.body()}`],
    ['a checkpoint with a bad size line', `old 0\n\n${signNote(`${log.origin}\nten\n${hash}\n`, [log.signer])}`],
    ['a checkpoint with a short root', `old 0\n\n${signNote(`${log.origin}\n2\nAAAA\n`, [log.signer])}`],
  ];
  for (const [what, body] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await w.post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect((await res.text()).length).toBeGreaterThan(10);
    });
  }

  it('refuses a body that is not UTF-8', async () => {
    const res = await w.post(new Blob([new Uint8Array([0x6f, 0x6c, 0x64, 0x20, 0x30, 0x0a, 0x0a, 0xff, 0xfe, 0x0a])]));
    expect(res.status).toBe(400);
  });

  it('refuses old larger than the checkpoint size (400, not 409)', async () => {
    const log2 = freshLog().append(4);
    const r = await submit(5, [], log2.note());
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/old size 5 is larger than the checkpoint size 4/);
  });
});

describe('409: old size differs from the stored size', () => {
  it('answers the stored size as text/x.tlog.size, 0 when it never cosigned the log', async () => {
    const log = freshLog().append(6);
    const r = await submit(2, log.consistencyProof(2, 6), log.note());
    expect(r.status).toBe(409);
    expect(r.type).toBe('text/x.tlog.size');
    expect(r.text).toBe('0\n');
    await cosignAt(log, 6);
    log.append(2);
    const r2 = await submit(0, [], log.note(8));
    expect(r2.status).toBe(409);
    expect(r2.type).toBe('text/x.tlog.size');
    expect(r2.text).toBe('6\n');
  });

  it('refuses a rollback: a smaller checkpoint is 400 with old = stored size, 409 with old = its own size', async () => {
    const log = freshLog().append(10);
    await cosignAt(log, 10);
    // old 10 > size 5: the spec's 400.
    expect((await submit(10, [], log.note(5))).status).toBe(400);
    // old 5 (consistent with the smaller checkpoint) is not what the witness stored: 409 "10".
    const r = await submit(5, [], log.note(5));
    expect(r.status).toBe(409);
    expect(r.text).toBe('10\n');
    // old 0: also 409.
    expect((await submit(0, [], log.note(5))).text).toBe('10\n');
    // The monitoring endpoint still has size 10.
    const mon = await (await fetch(`${w.url}/${await originHashOf(log.origin)}/checkpoint`)).text();
    expect(mon.split('\n')[1]).toBe('10');
  });

  it('refuses a fork at the same size (other root) with 409, keeping the request as evidence', async () => {
    // c2sp.org/tlog-witness v1.0.0: "If the old size matches the checkpoint size, the witness
    // MUST check that the root hashes are also identical. If they don't match, the witness
    // MUST respond with a "409 Conflict" HTTP status code." (Later drafts say 422 here.)
    const log = freshLog().append(10);
    await cosignAt(log, 10);
    const fork = log.fork(6).append(4);
    expect(fork.size).toBe(10);
    const forkNote = fork.note(10);
    const r = await submit(10, [], forkNote);
    expect(r.status).toBe(409);
    expect(r.text).toBe('10\n');
    const refusals = await selectRefusals(w.db.sql, log.origin);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].status).toBe(409);
    expect(refusals[0].body).toContain(forkNote);
    // The genuine checkpoint is still the one the witness stands by.
    expect((await submit(10, [], log.note(10))).status).toBe(200);
  });
});

describe('422: bad consistency proof', () => {
  it('refuses a proof with a flipped byte, and keeps the request as evidence', async () => {
    const log = freshLog().append(5);
    await cosignAt(log, 5);
    log.append(6);
    const proof = log.consistencyProof(5, 11);
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((h) => h.slice());
      bad[i][i % 32] ^= 0x01;
      const r = await submit(5, bad, log.note(11));
      expect(r.status, `proof hash ${i}`).toBe(422);
    }
    expect((await selectRefusals(w.db.sql, log.origin)).map((r) => r.status)).toEqual(proof.map(() => 422));
    // Nothing changed: the good proof still works from 5.
    expect((await submit(5, proof, log.note(11))).status).toBe(200);
  });

  it('refuses a proof that is too short, too long, or missing', async () => {
    const log = freshLog().append(5);
    await cosignAt(log, 5);
    log.append(6);
    const proof = log.consistencyProof(5, 11);
    expect((await submit(5, proof.slice(1), log.note(11))).status).toBe(422);
    expect((await submit(5, [...proof, proof[0]], log.note(11))).status).toBe(422);
    expect((await submit(5, [], log.note(11))).status).toBe(422);
  });

  it('refuses a fork at a larger size: a proof from the forked tree does not match the stored root', async () => {
    const log = freshLog().append(8);
    await cosignAt(log, 8);
    const fork = log.fork(5).append(7); // size 12, differs from leaf 5 on
    const r = await submit(8, fork.consistencyProof(8, 12), fork.note(12));
    expect(r.status).toBe(422);
  });

  it('refuses a non-empty proof with old 0 and with old = size', async () => {
    const log = freshLog().append(6);
    expect((await submit(0, [log.tree.root(3)], log.note())).status).toBe(422);
    await cosignAt(log, 6);
    expect((await submit(6, [log.tree.root(3)], log.note())).status).toBe(422);
  });

  it('refuses a checkpoint of size 0 that does not carry the empty root', async () => {
    const log = freshLog();
    const body = formatCheckpoint({ origin: log.origin, size: 0, root: new Uint8Array(randomBytes(32)) });
    expect((await submit(0, [], signNote(body, [log.signer]))).status).toBe(422);
  });
});

describe('other limits', () => {
  it('refuses a body over the size limit with 413', async () => {
    const log = freshLog().append(1);
    const res = await w.post(`old 0\n\n${log.note()}${'#'.repeat(70 * 1024)}`);
    expect(res.status).toBe(413);
  });

  it('answers 405 to other methods on add-checkpoint, and 404 elsewhere', async () => {
    const res = await fetch(`${w.url}/add-checkpoint`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await fetch(`${w.url}/nothing-here`)).status).toBe(404);
  });

  it('says who it is at /', async () => {
    const text = await (await fetch(`${w.url}/`)).text();
    expect(text).toContain(`vkey ${w.vkey}`);
    expect(text).toContain(`log ${logs[0].origin}`);
  });

  it('signs with its configured key name', () => {
    expect(verifier.name).toBe(w.name);
    expect(verifier.type).toBe(0x04);
    expect(() => verifyNote(`${logs[0].body()}\n\u2014 ${w.name} ${base64Encode(new Uint8Array(76))}\n`, [verifier])).toThrow(SignatureError);
  });
});

async function originHashOf(origin: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(origin).digest('hex');
}
