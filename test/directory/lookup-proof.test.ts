// The lookup hot path's own proofs: inclusionProofLines (upper lines cached per tile, lower
// lines read from the tile cache) gives exactly the lines of the log's inclusionProof, for
// leaves in full and partial tiles, warm and cold, at the current and at older tree sizes; the
// tlog-proof text it makes is formatTlogProof's; the cache keeps one tree size, LRU.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatTlogProof, parseTlogProof } from '@glasskey/verifier';
import { inclusionProof, tileCacheOf } from '../../log/index.ts';
import { asciiJson, lookupResponse, lookupResponseJson, tlogProofText, type ProvenLookup } from '../../server/directory/lookup.ts';
import { makeKey } from '../helpers/keys.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';
import { certificateForAddress } from '../../server/openpgp/filter.ts';
import { inclusionProofLines, proofCacheOf, proofLines, ProofCache } from '../../server/directory/proof-cache.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { growLog, testLogKey } from '../log/log-fixture.ts';

const checkpoint = 'example.org/log\n12345\nq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=\n\n— example.org/log AAAAAQ==\n';

describe('tlogProofText', () => {
  test.each([0, 1, 2, 5, 17, 63])('equals formatTlogProof with %i hashes', (n) => {
    for (let i = 0; i < 20; i++) {
      const extra = randomBytes(80);
      const proof = Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
      const index = Math.floor(Math.random() * 2 ** 40);
      const text = tlogProofText(extra, proofLines(index, proof), checkpoint);
      expect(text).toBe(formatTlogProof({ extra, index, proof, checkpoint }));
      expect(parseTlogProof(text).index).toBe(index);
    }
  });

  test('takes a subarray as it is, not its whole buffer', () => {
    const backing = randomBytes(200);
    const extra = new Uint8Array(backing.buffer, backing.byteOffset + 10, 80);
    const hash = new Uint8Array(backing.buffer, backing.byteOffset + 100, 32);
    expect(tlogProofText(extra, proofLines(3, [hash]), checkpoint)).toBe(formatTlogProof({ extra, index: 3, proof: [hash], checkpoint }));
  });

  test('refuses a hash that is not 32 bytes', () => {
    expect(() => proofLines(1, [new Uint8Array(31)])).toThrow();
  });
});

describe('lookup JSON', () => {
  const odd = ['', 'plain', 'a"b\\c', '\n\r\t\u0000\u001f\u007f', '— em dash', 'ü', '😀 astral', '\ud800 lone', '</script>', '\u2028\u2029'];

  test('asciiJson is JSON.stringify in ASCII', () => {
    for (const s of [...odd, odd.join(''), randomBytes(64).toString('latin1')]) {
      const json = asciiJson(s);
      expect(/^[\x20-\x7f]*$/.test(json)).toBe(true);
      expect(JSON.parse(json)).toBe(s);
    }
  });

  test('lookupResponseJson parses to lookupResponse, members in order', async () => {
    const key = await makeKey([{ email: 'alice@example.org' }]);
    const clean = await loadCertificate(key.armored);
    const certificate = certificateForAddress(clean, 'alice@example.org');
    for (const weird of odd) {
      const found: ProvenLookup = {
        address: 'alice@example.org',
        bound: { address: 'alice@example.org', certificate, entry: randomBytes(102), index: 7, vrfProof: randomBytes(80), fingerprint: clean.fingerprint },
        head: `c2sp.org/tlog-proof@v1\nextra ${randomBytes(80).toString('base64')}\nindex 7\n${randomBytes(32).toString('base64')}\n\n`,
        cp: { size: 8, note: `origin"\\${weird}\n8\nroot=\n\n— origin${weird} sig==\n` },
      };
      const json = lookupResponseJson(found);
      expect(/^[\x20-\x7f]*$/.test(json)).toBe(true);
      const parsed = JSON.parse(json);
      expect(parsed).toEqual(lookupResponse(found));
      expect(Object.keys(parsed)).toEqual(Object.keys(lookupResponse(found)));
      expect(JSON.parse(JSON.stringify(lookupResponse(found)))).toEqual(parsed);
    }
  });
});

describe('inclusionProofLines', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db?.close());

  async function check(index: number, size: number) {
    const expected = proofLines(index, await inclusionProof(db.sql, index, size));
    expect(await inclusionProofLines(db.sql, index, size)).toBe(expected);
  }

  test('matches inclusionProof as the log grows, warm and cold', async () => {
    const key = testLogKey();
    const tree = new ReferenceTree();
    const sizes: number[] = [];
    // Sizes around tile boundaries (256), one power of two, and a ragged one.
    for (const batch of [1, 254, 1, 1, 255, 1, 512, 1024, 300, 3000]) {
      await growLog(db.sql, key, tree, [batch]);
      sizes.push(tree.size);
      const size = tree.size;
      const indices = new Set([0, 1, 255, 256, 257, size - 1, size - 256, size - 257, Math.floor(size / 2)]);
      for (let i = 0; i < 40; i++) indices.add(Math.floor(Math.random() * size));
      for (const index of [...indices].filter((i) => i >= 0 && i < size)) {
        await check(index, size); // cold for this size (fills the caches)
        await check(index, size); // warm
        if ((index ^ 1) < size) await check(index ^ 1, size);
      }
    }
    // Older sizes: answered without keeping them, and the newest size's cache stays.
    const newest = tree.size;
    expect(proofCacheOf(db.sql).forSize).toBe(newest);
    for (const size of sizes.slice(0, -1)) for (const index of [0, size - 1, Math.floor(size / 3)]) await check(index, size);
    expect(proofCacheOf(db.sql).forSize).toBe(newest);
    expect(proofCacheOf(db.sql).hits).toBeGreaterThan(0);
  });

  test('falls back when the tile has left the tile cache', async () => {
    const size = (await db.sql`SELECT max(size)::int AS s FROM log_batches`)[0].s as number;
    await check(300, size);
    tileCacheOf(db.sql).clear();
    await check(301, size);
    await check(302, size);
  });

  test('rejects what inclusionProof rejects', async () => {
    const size = (await db.sql`SELECT max(size)::int AS s FROM log_batches`)[0].s as number;
    await expect(inclusionProofLines(db.sql, size, size)).rejects.toThrow();
    await expect(inclusionProofLines(db.sql, 0, size + 1000)).rejects.toThrow();
    await expect(inclusionProofLines(db.sql, -1, size)).rejects.toThrow();
  });
});

describe('ProofCache', () => {
  test('answers only for the tree size it holds', () => {
    const c = new ProofCache();
    c.put(1, 10, 'a');
    expect(c.get(1, 10)).toBe('a');
    expect(c.get(1, 11)).toBeUndefined();
    expect(c.get(2, 10)).toBeUndefined();
  });

  test('a larger size drops everything; a smaller one is not kept', () => {
    const c = new ProofCache();
    c.put(1, 10, 'a');
    c.put(2, 12, 'b');
    expect(c.forSize).toBe(12);
    expect(c.size).toBe(1);
    expect(c.get(1, 10)).toBeUndefined();
    c.put(3, 11, 'c');
    expect(c.get(3, 11)).toBeUndefined();
    expect(c.get(2, 12)).toBe('b');
  });

  test('evicts the least recently used beyond its bound', () => {
    const c = new ProofCache(2);
    c.put(1, 5, 'a');
    c.put(2, 5, 'b');
    expect(c.get(1, 5)).toBe('a'); // 1 is now the most recent
    c.put(3, 5, 'c');
    expect(c.get(2, 5)).toBeUndefined();
    expect(c.get(1, 5)).toBe('a');
    expect(c.get(3, 5)).toBe('c');
  });
});
