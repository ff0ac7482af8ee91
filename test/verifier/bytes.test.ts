// base64/hex helpers against node's Buffer as an independent implementation, and strictness.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { base64Decode, base64Encode, FormatError, hexDecode, hexEncode, utf8Decode } from '@glasskey/verifier';

test('base64 round-trips and matches Buffer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const b64 = base64Encode(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64Decode(b64)).toEqual(bytes);
      expect(hexEncode(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      expect(hexDecode(hexEncode(bytes))).toEqual(bytes);
    }),
  );
});

test('base64 rejects non-canonical forms', () => {
  for (const bad of ['A', 'AB', 'AB=', 'A===', 'AB C', 'AB-_', '=AAA', 'AA=A', 'AB==AAAA', 'AB\n=', 'AR==', 'ABC=x'.slice(0, 4) + '=']) {
    expect(() => base64Decode(bad), bad).toThrow(FormatError);
  }
  expect(() => base64Decode('AR==')).toThrow(/padding bits/);
  expect(base64Decode('AQ==')).toEqual(new Uint8Array([1]));
});

test('utf8Decode is strict', () => {
  expect(() => utf8Decode(new Uint8Array([0xff, 0xfe]))).toThrow(FormatError);
  expect(utf8Decode(new Uint8Array([0xe2, 0x80, 0x94]))).toBe('—');
});
