// The witness's monitoring endpoint, GET /<hex sha256(origin)>/checkpoint: 404 until it
// cosigned the log, then the latest cosigned checkpoint with the log's verified signature and
// the witness's cosignature (checked under a client policy), following the newest one.
import { createHash } from 'node:crypto';
import { openCheckpoint, parseNote, parsePolicy } from '@glasskey/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigner, signNote } from '../../log/note-signer.ts';
import { MemoryLog, requestBody } from './memory-log.ts';
import { startTestWitness, type TestWitness } from './witness-fixture.ts';

const log = new MemoryLog().append(4);
const quiet = new MemoryLog().append(2);
let w: TestWitness;
const hashOf = (origin: string) => createHash('sha256').update(origin, 'utf8').digest('hex');
const get = (path: string) => fetch(`${w.url}${path}`);

beforeAll(async () => {
  w = await startTestWitness([`log ${log.vkey}`, `log ${quiet.vkey}`]);
});
afterAll(async () => {
  await w?.close();
});

describe('GET /<origin hash>/checkpoint', () => {
  it('is 404 before the witness cosigned anything for the log', async () => {
    expect((await get(`/${hashOf(log.origin)}/checkpoint`)).status).toBe(404);
    expect((await get(`/${hashOf(quiet.origin)}/checkpoint`)).status).toBe(404);
  });

  it('is 404 after a refused request (nothing cosigned)', async () => {
    const impostor = generateSigner(log.origin);
    expect((await w.post(requestBody(0, [], signNote(log.body(), [impostor])))).status).toBe(403);
    expect((await get(`/${hashOf(log.origin)}/checkpoint`)).status).toBe(404);
  });

  it('serves the cosigned checkpoint with the log signature and the cosignature, verifiable under a policy', async () => {
    const stranger = generateSigner('stranger.test/k');
    const res = await w.post(requestBody(0, [], signNote(log.body(), [log.signer, stranger])));
    expect(res.status).toBe(200);
    const cosig = await res.text();
    const mon = await get(`/${hashOf(log.origin)}/checkpoint`);
    expect(mon.status).toBe(200);
    const note = await mon.text();
    // Body, the log signature it verified (not the stranger's), and its own cosignature.
    expect(note).toBe(log.note() + cosig);
    expect(parseNote(note).signatures.map((s) => s.name)).toEqual([log.origin, w.name]);
    const policy = parsePolicy(`log ${log.vkey}\nwitness w ${w.vkey}\nquorum w\n`);
    expect(openCheckpoint(note, policy).size).toBe(4);
    // Other logs are unaffected.
    expect((await get(`/${hashOf(quiet.origin)}/checkpoint`)).status).toBe(404);
  });

  it('follows the newest cosigned checkpoint', async () => {
    log.append(5);
    const res = await w.post(requestBody(4, log.consistencyProof(4, 9), log.note(9)));
    expect(res.status).toBe(200);
    const note = await (await get(`/${hashOf(log.origin)}/checkpoint`)).text();
    expect(note).toBe(log.note(9) + (await res.text()));
  });

  it('is 404 for unknown, uppercase or malformed origin hashes', async () => {
    expect((await get(`/${hashOf('nobody.test/log')}/checkpoint`)).status).toBe(404);
    expect((await get(`/${hashOf(log.origin).toUpperCase()}/checkpoint`)).status).toBe(404);
    expect((await get(`/${hashOf(log.origin).slice(1)}/checkpoint`)).status).toBe(404);
    expect((await get(`/${encodeURIComponent(log.origin)}/checkpoint`)).status).toBe(404);
  });
});
