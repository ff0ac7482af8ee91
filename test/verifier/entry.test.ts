// The 102-byte log entry: layout checked against an independent Buffer-built encoding, strict decoding.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { decodeEntry, encodeEntry, ENTRY_FORMAT_VERSION, ENTRY_SIZE, FormatError, type Entry } from '@glasskey/verifier';

/** Independent encoding of DESIGN.md's layout with node's Buffer. */
function bufferEncode(e: Entry): Uint8Array {
  const b = Buffer.alloc(102);
  b.writeUInt8(1, 0);
  b.writeUInt8(e.action === 'bind' ? 1 : 2, 1);
  Buffer.from(e.identity).copy(b, 2);
  b.writeUInt32BE(e.version, 66);
  Buffer.from(e.certificateHash).copy(b, 70);
  return new Uint8Array(b);
}

const arbEntry = fc.record({
  action: fc.constantFrom<'bind' | 'unbind'>('bind', 'unbind'),
  identity: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  version: fc.integer({ min: 1, max: 0xffffffff }),
  certificateHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});

test('constants', () => {
  expect(ENTRY_SIZE).toBe(102);
  expect(ENTRY_FORMAT_VERSION).toBe(1);
});

test('encode matches the layout and decode inverts it', () => {
  fc.assert(
    fc.property(arbEntry, (e) => {
      const bytes = encodeEntry(e);
      expect(bytes).toEqual(bufferEncode(e));
      expect(decodeEntry(bytes)).toEqual(e);
    }),
  );
});

test('decode works on a subarray view', () => {
  const e: Entry = { action: 'unbind', identity: new Uint8Array(64).fill(7), version: 258, certificateHash: new Uint8Array(32).fill(9) };
  const padded = new Uint8Array(110);
  padded.set(encodeEntry(e), 5);
  expect(decodeEntry(padded.subarray(5, 107))).toEqual(e);
});

function expectBadEntry(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('bad-entry');
    return;
  }
  expect.fail('accepted');
}

test('bad entries are rejected with FormatError bad-entry', () => {
  const good = encodeEntry({ action: 'bind', identity: new Uint8Array(64).fill(1), version: 1, certificateHash: new Uint8Array(32).fill(2) });
  const corpus: Uint8Array[] = [new Uint8Array(0), good.subarray(0, 101), new Uint8Array([...good, 0]), new Uint8Array(102), new Uint8Array(1000)];
  for (const v of [0x00, 0x02, 0xff]) corpus.push(Object.assign(good.slice(), { [0]: v }));
  for (const a of [0x00, 0x03, 0x81, 0xff]) corpus.push(Object.assign(good.slice(), { [1]: a }));
  const zeroVersion = good.slice();
  zeroVersion.fill(0, 66, 70);
  corpus.push(zeroVersion);
  for (const bad of corpus) expectBadEntry(() => decodeEntry(bad));
  expectBadEntry(() => decodeEntry('x'.repeat(102) as unknown as Uint8Array));
  expectBadEntry(() => decodeEntry(undefined as unknown as Uint8Array));
});

test('bad entries are refused by encode', () => {
  const ok: Entry = { action: 'bind', identity: new Uint8Array(64), version: 1, certificateHash: new Uint8Array(32) };
  const bad: unknown[] = [
    { ...ok, action: 'rebind' },
    { ...ok, action: 'toString' },
    { ...ok, identity: new Uint8Array(32) },
    { ...ok, certificateHash: new Uint8Array(64) },
    { ...ok, version: 0 },
    { ...ok, version: -1 },
    { ...ok, version: 1.5 },
    { ...ok, version: 2 ** 32 },
    { ...ok, version: NaN },
    { ...ok, version: '1' },
    null,
  ];
  for (const e of bad) expectBadEntry(() => encodeEntry(e as Entry));
});

test('decode rejects random garbage with FormatError only', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      try {
        const e = decodeEntry(bytes);
        expect(encodeEntry(e)).toEqual(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(FormatError);
      }
    }),
  );
});
