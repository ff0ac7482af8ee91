// Check-and-store is atomic: many concurrent add-checkpoint requests for one origin from the
// same old size, over real HTTP on a real PostgreSQL, yield exactly one cosignature; every
// other request gets 409 with the winner's size, and the stored checkpoint is the winner's.
import { parseVkey, verifyNote } from '@glasskey/verifier';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryLog, requestBody } from './memory-log.ts';
import { startTestWitness, type TestWitness } from './witness-fixture.ts';
import { originHash } from '../../server/witness/origin-hash.ts';

const log = new MemoryLog().append(200);
const RACERS = 10;
let w: TestWitness;

beforeAll(async () => {
  w = await startTestWitness([`log ${log.vkey}`]);
});
afterAll(async () => {
  await w?.close();
});

async function race(oldSize: number, sizes: number[]) {
  const results = await Promise.all(
    sizes.map(async (size) => {
      const res = await w.post(requestBody(oldSize, oldSize === 0 ? [] : log.consistencyProof(oldSize, size), log.note(size)));
      return { size, status: res.status, text: await res.text() };
    }),
  );
  const winners = results.filter((r) => r.status === 200);
  const losers = results.filter((r) => r.status !== 200);
  expect(winners, JSON.stringify(results)).toHaveLength(1);
  for (const l of losers) {
    expect(l.status).toBe(409);
    expect(l.text).toBe(`${winners[0].size}\n`);
  }
  const stored = await (await fetch(`${w.url}/${originHash(log.origin)}/checkpoint`)).text();
  expect(stored.split('\n')[1]).toBe(String(winners[0].size));
  expect(verifyNote(stored, [parseVkey(w.vkey), parseVkey(log.vkey)]).verified).toHaveLength(2);
  return winners[0].size;
}

it('lets exactly one of concurrent first checkpoints (old 0) win', async () => {
  await race(0, Array.from({ length: RACERS }, (_, i) => 1 + i));
});

it('lets exactly one of concurrent submissions from the same old size win, round after round', async () => {
  let stored = Number((await (await fetch(`${w.url}/${originHash(log.origin)}/checkpoint`)).text()).split('\n')[1]);
  for (let round = 0; round < 5; round++) {
    const sizes = Array.from({ length: RACERS }, (_, i) => stored + 1 + i + round);
    stored = await race(stored, sizes);
  }
});

it('serializes identical concurrent submissions: one 200, the rest 409', async () => {
  const stored = Number((await (await fetch(`${w.url}/${originHash(log.origin)}/checkpoint`)).text()).split('\n')[1]);
  await race(stored, Array.from({ length: RACERS }, () => stored + 5));
});
