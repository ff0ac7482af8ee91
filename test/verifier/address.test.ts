// normalizeAddress and addressAlpha: accepted spellings, their normal form, and a corpus of
// inputs that must be rejected with FormatError 'bad-address' (never another exception).
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { addressAlpha, FormatError, normalizeAddress } from '@glasskey/verifier';

const good: [string, string][] = [
  ['alice@example.org', 'alice@example.org'],
  ['  Alice@Example.ORG\t', 'alice@example.org'],
  ['ALICE.B.SMITH@MAIL.EXAMPLE.CO.UK', 'alice.b.smith@mail.example.co.uk'],
  ["o'brien+tag@example.org", "o'brien+tag@example.org"],
  ['!#$%&*+-/=?^_`{|}~@example.org', '!#$%&*+-/=?^_`{|}~@example.org'],
  ['a@b.cd', 'a@b.cd'],
  ['x@a-b.example', 'x@a-b.example'],
  ['x@123.example', 'x@123.example'],
  // IDN: the well-known punycode forms (RFC 3492 algorithm; IANA test TLD example).
  ['joerg@bücher.de', 'joerg@xn--bcher-kva.de'],
  ['joerg@BÜCHER.DE', 'joerg@xn--bcher-kva.de'],
  ['joerg@xn--bcher-kva.de', 'joerg@xn--bcher-kva.de'],
  ['hans@münchen.de', 'hans@xn--mnchen-3ya.de'],
  ['test@例え.テスト', 'test@xn--r8jz45g.xn--zckzah'],
  // UTS-46 maps full-width letters and the ideographic full stop.
  ['bob@ｅｘａｍｐｌｅ.com', 'bob@example.com'],
  ['bob@example。com', 'bob@example.com'],
];

test('accepted addresses and their normal form', () => {
  for (const [input, want] of good) {
    if (want === '') continue;
    expect(normalizeAddress(input), JSON.stringify(input)).toBe(want);
    expect(normalizeAddress(want)).toBe(want); // idempotent
  }
});

test('length limits: local part 64, total 254', () => {
  const d63 = 'd'.repeat(63);
  const domain = `${d63}.${d63}.${d63}.${'e'.repeat(57)}`; // 63*3+57+3 = 249
  expect(domain.length).toBe(249);
  expect(normalizeAddress(`${'l'.repeat(4)}@${domain}`)).toHaveLength(254);
  expectBad(`${'l'.repeat(5)}@${domain}`);
  expect(normalizeAddress(`${'l'.repeat(64)}@example.org`)).toHaveLength(76);
  expectBad(`${'l'.repeat(65)}@example.org`);
  expect(normalizeAddress(`a@${'x'.repeat(63)}.org`)).toBe(`a@${'x'.repeat(63)}.org`);
  expectBad(`a@${'x'.repeat(64)}.org`);
});

function expectBad(input: unknown): void {
  try {
    normalizeAddress(input as string);
  } catch (e) {
    expect(e, JSON.stringify(input)).toBeInstanceOf(FormatError);
    expect((e as FormatError).code).toBe('bad-address');
    expect((e as FormatError).message).toMatch(/^address: ./);
    return;
  }
  expect.fail(`accepted ${JSON.stringify(input)}`);
}

const badCorpus: string[] = [
  // empty and missing parts
  '', '   ', '\t', '@', 'alice', 'alice@', '@example.org', 'alice@@example.org',
  // several addresses, display names, comments, groups
  'alice@example.org,bob@example.org', 'alice@example.org, bob@example.org', 'alice@example.org bob@example.org',
  'alice@example.org;bob@example.org', 'Alice <alice@example.org>', '<alice@example.org>', '"Alice" alice@example.org',
  'alice(comment)@example.org', 'alice@example.org (Alice)', 'friends: alice@example.org;', 'alice@example.org>',
  // header injection, NULs, control characters, inner whitespace
  'alice@example.org\r\nBcc: victim@example.org', 'alice@example.org\nBcc: victim@example.org', 'alice@example.org\r',
  'alice@example.org\n', 'alice\r\n@example.org', 'alice@exam\nple.org', 'alice\u0000@example.org', 'alice@example.org\u0000',
  '\u0000', 'alice\u0007@example.org', 'alice\u007f@example.org', 'alice\u0085@example.org', 'ali ce@example.org',
  'alice@exa mple.org', 'alice@example.org\u00a0', '\u2028alice@example.org', 'alice\u3000@example.org', '\ufeffalice@example.org',
  // invisible and bidi formatting characters
  'alice@exa\u00admple.org', 'alice@exa\u200bmple.org', 'alice@exa\u200dmple.org', 'alice@\u202eelpmaxe.org',
  // dots
  '.alice@example.org', 'alice.@example.org', 'al..ice@example.org', 'alice@.example.org', 'alice@example.org.',
  'alice@example..org', 'alice@example。。org',
  // quoted and unicode local parts, local-part homographs
  '"alice"@example.org', '"al ice"@example.org', '"a@b"@example.org', 'jörg@example.org', 'аlice@example.org', 'ＡＬＩＣＥ@example.org',
  'üser@bücher.de', '用户@例子.广告',
  // specials in the local part
  'ali[ce@example.org', 'ali\\ce@example.org', 'ali:ce@example.org', 'alice,@example.org',
  // domains: no dot, literals, IPs, bad labels, URL tricks
  'alice@localhost', 'alice@[127.0.0.1]', 'alice@[IPv6:::1]', 'alice@127.0.0.1', 'alice@0x7f.1', 'alice@example.123',
  'alice@-example.org', 'alice@example-.org', 'alice@exa_mple.org', 'alice@exa＿mple.org', 'alice@example.org:25',
  'alice@example.org/path', 'alice@example.org?x', 'alice@example.org#x', 'alice@exa%6dple.org', 'alice@user@example.org',
  'alice@example.org\\evil.com', 'alice@exa／mple.org', 'alice@xn--a.org', 'alice@xn--zz.org', 'alice@\u0430\u200d.org',
  'alice@e\u0301xample.o\u0000rg', 'alice@💩', 'alice@.', 'alice@..',
  // lengths
  `${'a'.repeat(65)}@example.org`, `alice@${'a'.repeat(64)}.org`, `alice@${'abcdefghi.'.repeat(26)}org`,
  `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(10)}`, 'a'.repeat(100_000) + '@example.org',
  // unpaired surrogate
  'alice@exa\ud800mple.org',
];

test(`bad-input corpus (${badCorpus.length} cases) is rejected with FormatError bad-address`, () => {
  expect(badCorpus.length).toBeGreaterThanOrEqual(40);
  for (const input of badCorpus) expectBad(input);
  for (const notString of [undefined, null, 42, {}, ['a@b.c']]) expectBad(notString);
});

test('domain homographs are not confused with the ASCII domain', () => {
  // Cyrillic а (U+0430) instead of Latin a: a different domain, a visibly different A-label.
  const homograph = normalizeAddress('alice@\u0430pple.com');
  expect(homograph).toMatch(/^alice@xn--/);
  expect(homograph).not.toBe(normalizeAddress('alice@apple.com'));
  expect(normalizeAddress('alice@p\u0430ypal.com')).not.toBe('alice@paypal.com');
});

test('random strings: either a fixed point in the allowed alphabet, or FormatError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.emailAddress()), (s) => {
      let n: string;
      try {
        n = normalizeAddress(s);
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return;
      }
      expect(n).toMatch(/^[a-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[a-z0-9.-]+$/);
      expect(n.length).toBeLessThanOrEqual(254);
      expect(normalizeAddress(n)).toBe(n);
    }),
    { numRuns: 2000 },
  );
});

test('generated email addresses normalize to their lowercase form', () => {
  fc.assert(
    fc.property(fc.emailAddress(), (s) => {
      fc.pre(s.length <= 254 && !/@[0-9.]+$/.test(s) && !s.endsWith('.'));
      let n: string | undefined;
      try {
        n = normalizeAddress(s.toUpperCase());
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return;
      }
      expect(n).toBe(s.toLowerCase());
    }),
  );
});

test('addressAlpha is the UTF-8 of the normalized address, and refuses unnormalized input', () => {
  expect(addressAlpha('alice@example.org')).toEqual(new Uint8Array(Buffer.from('alice@example.org', 'utf8')));
  expect(addressAlpha('joerg@xn--bcher-kva.de')).toEqual(new Uint8Array(Buffer.from('joerg@xn--bcher-kva.de')));
  for (const unnormalized of ['Alice@example.org', ' alice@example.org', 'joerg@bücher.de', 'bad']) {
    expect(() => addressAlpha(unnormalized)).toThrow(FormatError);
  }
});
