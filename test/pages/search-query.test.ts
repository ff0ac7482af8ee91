// The search box's parser: addresses normalized, fingerprints and key IDs with spaces or 0x
// forgiven, anything else a 400 that says what the box takes (never a substring search).
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../server/http/errors.ts';
import { parseSearchQuery, SEARCH_HELP } from '../../server/pages/search-query.ts';

describe('parseSearchQuery', () => {
  test('addresses are normalized', () => {
    expect(parseSearchQuery('  Alice@Example.ORG ')).toEqual({ kind: 'address', address: 'alice@example.org' });
  });
  test('v4 and v6 fingerprints, with spaces, lower case or 0x', () => {
    const v4 = '392A64659F61DC1D9C5B65FF53939A2A64928828';
    expect(parseSearchQuery(v4.toLowerCase())).toEqual({ kind: 'fingerprint', fingerprint: v4 });
    expect(parseSearchQuery(`0x${v4}`)).toEqual({ kind: 'fingerprint', fingerprint: v4 });
    expect(parseSearchQuery(v4.replace(/(.{4})/g, '$1 '))).toEqual({ kind: 'fingerprint', fingerprint: v4 });
    const v6 = 'AB'.repeat(32);
    expect(parseSearchQuery(v6)).toEqual({ kind: 'fingerprint', fingerprint: v6 });
  });
  test('key IDs', () => {
    expect(parseSearchQuery('0xa91c45752c335e5a')).toEqual({ kind: 'keyid', keyId: 'A91C45752C335E5A' });
  });
  for (const bad of ['', '   ', 'alice', 'A91C45752C335E5', 'Z'.repeat(40), 'a@b@c', 'x'.repeat(400), '<script>@x'])
    test(`refused: ${JSON.stringify(bad.slice(0, 20))}`, () => {
      let err: unknown;
      try {
        parseSearchQuery(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      if (!bad.includes('@') || bad.length > 320) expect((err as ApiError).message).toContain(SEARCH_HELP);
    });
});
