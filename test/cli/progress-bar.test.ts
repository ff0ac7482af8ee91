// The terminal progress bar of the first scan, and the JSON file store's refusal of a damaged
// file (it must never be silently reset: that would make a monitor rescan and re-alert).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { jsonFileStorage } from '@glasskey/verifier/node';
import { ProgressBar } from '../../verifier/src/node/progress-bar.ts';

test('the progress bar redraws one line with percent, counts and rate, and clears it', () => {
  let out = '';
  const stream = { columns: 200, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  const bar = new ProgressBar(stream, 'scanning', 1_000_000);
  bar.update(250_000, true);
  expect(out).toMatch(/^\rscanning \[######\.{18}\]  25%  250,000\/1,000,000 entries  [0-9,]+\/s  eta [0-9]+s\x1b\[K$/);
  out = '';
  bar.update(260_000); // within 100 ms of the last draw: not redrawn
  expect(out).toBe('');
  bar.update(1_000_000, true);
  expect(out).toContain('100%');
  out = '';
  bar.done();
  expect(out).toBe('\r\x1b[K');
});

test('a damaged state file is an error, not a fresh start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'glasskey-store-'));
  try {
    const path = join(dir, 'monitor.json');
    const store = jsonFileStorage(path);
    await store.set('a', 'b');
    expect(await store.get('a')).toBe('b');
    await writeFile(path, (await readFile(path, 'utf8')).slice(0, 5));
    await expect(store.get('a')).rejects.toThrow(/not JSON/);
    await expect(store.set('c', 'd')).rejects.toThrow(/not JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
