// The directory's cosigning client against two real witnesses (in-process, real HTTP, each on
// its own PostgreSQL database) with quorum 2: the served checkpoint advances with the log;
// with one witness down it stops at the last checkpoint both cosigned (which still verifies);
// when the witness is back it catches up, through the 409 path when its state moved on
// without us. Also: re-sending an unchanged checkpoint keeps cosignature times fresh.
import { openCheckpoint, parseNote, parsePolicy, splitCosignature, type Policy } from '@glasskey/verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCosigner, type Cosigner, type CosignerOptions, type SubmissionEvent } from '../../server/cosigning/cosigner.ts';
import { selectCosignatures, selectWitnessSizes } from '../../server/cosigning/queries.ts';
import { readServedCheckpoint } from '../../server/cosigning/served-checkpoint.ts';
import { parseWitnessesFile, witnessPolicyLines, type WitnessSet } from '../../server/cosigning/witnesses-file.ts';
import { originHash } from '../../server/witness/origin-hash.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { MemoryLog, requestBody } from './memory-log.ts';
import { startTestWitness, type TestWitness } from './witness-fixture.ts';

let db: TestDatabase;
let cosigner: Cosigner | undefined;
const witnesses: TestWitness[] = [];

beforeAll(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await cosigner?.stop();
  cosigner = undefined;
  await Promise.all(witnesses.splice(0).map((w) => w.close()));
  await db.sql`TRUNCATE cosigning_witnesses, cosignatures, served_checkpoints`;
});
afterAll(async () => {
  await db?.close();
});

async function setUp(first: MemoryLog, extra: Partial<CosignerOptions> = {}, witnessNow?: () => number) {
  let log = first;
  const a = await startTestWitness([`log ${log.vkey}`], { now: witnessNow });
  const b = await startTestWitness([`log ${log.vkey}`], { now: witnessNow });
  witnesses.push(a, b);
  const set: WitnessSet = parseWitnessesFile(
    `witness a ${a.vkey} ${a.url}\nwitness b ${b.vkey} ${b.url}\ngroup both 2 a b\nquorum both\n`,
  );
  const policy: Policy = parsePolicy(`log ${log.vkey}\n${witnessPolicyLines(set).join('\n')}\n`);
  const events: SubmissionEvent[] = [];
  const messages: string[] = [];
  cosigner = startCosigner({
    sql: db.sql,
    witnesses: set,
    logVkey: log.vkey,
    latestCheckpoint: async () => ({ size: log.size, note: log.note() }),
    consistencyProof: async (s1, s2) => log.consistencyProof(s1, s2),
    intervalMs: 3_600_000,
    pollMs: 3_600_000, // rounds run on pokeNow() only, so the test sees each one
    retryMs: 0,
    timeoutMs: 5_000,
    onSubmission: (e) => events.push(e),
    log: (m) => messages.push(m),
    ...extra,
  });
  /** Makes the "log" serve another tree from now on (a misbehaving or restored log). */
  const replaceLog = (other: MemoryLog) => {
    log = other;
  };
  return { a, b, policy, events, messages, cosigner, replaceLog };
}

async function served(policy: Policy) {
  const s = await readServedCheckpoint(db.sql);
  expect(s).not.toBeNull();
  const cp = openCheckpoint(s!.note, policy);
  expect(cp.size).toBe(s!.size);
  return { size: s!.size, cosigners: cp.cosignatures.map((c) => c.witness), note: s!.note };
}

describe('cosigner with two witnesses and quorum 2', () => {
  it('advances the served checkpoint, stops at the quorum when a witness is down, and catches up through 409', async () => {
    const log = new MemoryLog().append(3);
    const { a, b, policy, events, cosigner: c } = await setUp(log);

    await c.pokeNow();
    expect(await served(policy)).toMatchObject({ size: 3, cosigners: ['a', 'b'] });
    expect(events.map((e) => [e.witness, e.oldSize, e.size, e.status]).sort()).toEqual([
      ['a', 0, 3, 200],
      ['b', 0, 3, 200],
    ]);

    log.append(2);
    events.length = 0;
    await c.pokeNow();
    expect(await served(policy)).toMatchObject({ size: 5, cosigners: ['a', 'b'] });
    // Each witness was sent the consistency proof from the size it had cosigned.
    expect(events.filter((e) => e.status === 200).map((e) => e.oldSize)).toEqual([3, 3]);

    // Witness b goes away: a cosigns 9, but 9 lacks the quorum, so 5 stays served.
    await b.stop();
    log.append(4);
    events.length = 0;
    await c.pokeNow();
    expect(events.find((e) => e.witness === 'a')).toMatchObject({ size: 9, status: 200 });
    expect(events.find((e) => e.witness === 'b')).toMatchObject({ size: 9, status: 0 });
    expect((await selectCosignatures(db.sql, 9)).map((x) => x.witness)).toEqual(['a']);
    const stuck = await served(policy);
    expect(stuck).toMatchObject({ size: 5, cosigners: ['a', 'b'] });
    // Only a's cosignature on 9: a client policy needing both rejects it.
    const aOn9 = (await selectCosignatures(db.sql, 9))[0].line;
    expect(() => openCheckpoint(log.note(9) + aOn9, policy)).toThrow(/quorum not met/);
    await c.pokeNow();
    expect((await served(policy)).size).toBe(5);

    // b comes back, and someone else (a monitor, another directory process) has meanwhile
    // given b the checkpoint of size 9 from 5: b's size is no longer the 5 we recorded.
    await b.restart();
    const r = await b.post(requestBody(5, log.consistencyProof(5, 9), log.note(9)));
    expect(r.status).toBe(200);
    log.append(3);
    events.length = 0;
    await c.pokeNow();
    const bEvents = events.filter((e) => e.witness === 'b').map((e) => [e.oldSize, e.size, e.status]);
    expect(bEvents).toEqual([
      [5, 12, 409],
      [9, 12, 200],
    ]);
    expect(await served(policy)).toMatchObject({ size: 12, cosigners: ['a', 'b'] });
    expect((await selectWitnessSizes(db.sql)).get('b')!.size).toBe(12);

    // The witnesses' monitoring endpoints agree with what is served.
    for (const w of [a, b]) {
      const mon = await (await fetch(`${w.url}/${originHash(log.origin)}/checkpoint`)).text();
      expect(parseNote(mon).text).toBe(log.body(12));
    }
  });

  it('recovers through 409 when a witness cosigned but its answer was lost', async () => {
    const log = new MemoryLog().append(4);
    let dropNext = false;
    const lossyFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (dropNext && String(input).startsWith(witnesses[0].url)) {
        dropNext = false;
        await res.arrayBuffer();
        throw new Error('connection reset (test)');
      }
      return res;
    };
    const { policy, events, cosigner: c } = await setUp(log, { fetch: lossyFetch });
    await c.pokeNow();
    expect((await served(policy)).size).toBe(4);

    log.append(4);
    dropNext = true;
    events.length = 0;
    await c.pokeNow();
    // a cosigned 8, but we never heard: 8 is not served, and we still believe a is at 4.
    expect(events.find((e) => e.witness === 'a')).toMatchObject({ size: 8, status: 0 });
    expect((await served(policy)).size).toBe(4);
    expect((await selectWitnessSizes(db.sql)).get('a')!.size).toBe(4);

    events.length = 0;
    await c.pokeNow();
    expect(events.filter((e) => e.witness === 'a').map((e) => [e.oldSize, e.size, e.status])).toEqual([
      [4, 8, 409],
      [8, 8, 200],
    ]);
    expect(await served(policy)).toMatchObject({ size: 8, cosigners: ['a', 'b'] });
  });

  it('does not serve a checkpoint the witnesses refuse as a fork, and says so', async () => {
    const log = new MemoryLog().append(6);
    const { policy, messages, events, cosigner: c, replaceLog } = await setUp(log);
    await c.pokeNow();
    expect((await served(policy)).size).toBe(6);
    // The log now shows another tree of the same size (a split view, or a restored database).
    const forked = log.fork(4).append(2);
    replaceLog(forked);
    events.length = 0;
    await c.pokeNow();
    expect(events.map((e) => [e.witness, e.oldSize, e.size, e.status]).sort()).toEqual([
      ['a', 6, 6, 409],
      ['b', 6, 6, 409],
    ]);
    expect(messages.filter((m) => /different tree of size 6 \(possible split view\)/.test(m))).toHaveLength(2);
    const s = await served(policy);
    expect(s.size).toBe(6);
    expect(parseNote(s.note).text).toBe(log.body(6));
  });
});

describe('refreshing cosignatures', () => {
  it('re-sends the unchanged checkpoint once the cosignatures are intervalMs old, and serves the fresh ones', async () => {
    const log = new MemoryLog().append(2);
    let witnessClock = Math.floor(Date.now() / 1000) - 1000;
    const { policy, events, cosigner: c } = await setUp(log, { intervalMs: 300 }, () => witnessClock);
    await c.pokeNow();
    const first = await served(policy);
    const stampsOf = (note: string) =>
      parseNote(note)
        .signatures.slice(1)
        .map((s) => splitCosignature(s.signature).timestamp);
    expect(stampsOf(first.note)).toEqual([witnessClock, witnessClock]);

    // Not due yet: nothing is sent.
    events.length = 0;
    await c.pokeNow();
    expect(events).toEqual([]);

    // Once intervalMs has passed, both witnesses are asked again (old = size, empty proof).
    await new Promise((r) => setTimeout(r, 350));
    witnessClock += 500;
    await c.pokeNow();
    expect(events.map((e) => [e.oldSize, e.size, e.status])).toEqual([
      [2, 2, 200],
      [2, 2, 200],
    ]);
    const second = await served(policy);
    expect(second.size).toBe(2);
    expect(stampsOf(second.note)).toEqual([witnessClock, witnessClock]);
  });
});
