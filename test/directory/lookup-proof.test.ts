// The lookup hot path's own tlog-proof formatting (node Buffer base64, cached lines) writes the
// same text as the verifier's formatTlogProof; the proof cache is an LRU for one tree size.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { formatTlogProof, parseTlogProof } from '@glasskey/verifier';
import { proofLines, tlogProofText } from '../../server/directory/lookup.ts';
import { ProofCache } from '../../server/directory/proof-cache.ts';

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
    const extra = backing.subarray(10, 90);
    const hash = new Uint8Array(backing.buffer, backing.byteOffset + 100, 32);
    expect(tlogProofText(extra, proofLines(3, [hash]), checkpoint)).toBe(formatTlogProof({ extra, index: 3, proof: [hash], checkpoint }));
  });

  test('refuses a hash that is not 32 bytes', () => {
    expect(() => proofLines(1, [new Uint8Array(31)])).toThrow();
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
    const c = new ProofCache(10);
    c.put(1, 5, 'aaaa');
    c.put(2, 5, 'bbbb');
    expect(c.get(1, 5)).toBe('aaaa'); // 1 is now the most recent
    c.put(3, 5, 'cccc');
    expect(c.get(2, 5)).toBeUndefined();
    expect(c.get(1, 5)).toBe('aaaa');
    expect(c.get(3, 5)).toBe('cccc');
  });
});
