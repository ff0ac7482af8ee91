// Checkpoint bodies (c2sp.org/tlog-checkpoint): the real arche2025h1 checkpoint, a fast-check
// round trip checked against Buffer's base64, and every strictness rule.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { formatCheckpoint, FormatError, parseCheckpoint } from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const C = readVectorJson('cosignature/vectors.json').checkpoint;
const ROOT = C.rootHashBase64 as string;

test('the real arche2025h1 checkpoint', () => {
  const cp = parseCheckpoint(C.body);
  expect(cp.origin).toBe(C.origin);
  expect(cp.size).toBe(C.size);
  expect(Buffer.from(cp.root).toString('base64')).toBe(ROOT);
  expect(cp.extensions).toEqual([]);
  expect(formatCheckpoint(cp)).toBe(C.body);
});

test('round trip with extensions, against an independent encoder', () => {
  const line = fc.string({ minLength: 1, unit: 'grapheme' }).filter((s) => !/[\u0000-\u001f]/.test(s));
  fc.assert(
    fc.property(
      line,
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.array(line, { maxLength: 3 }),
      (origin, size, root, extensions) => {
        const body = formatCheckpoint({ origin, size, root, extensions });
        expect(body).toBe([origin, String(size), Buffer.from(root).toString('base64'), ...extensions].join('\n') + '\n');
        const cp = parseCheckpoint(body);
        expect(cp).toEqual({ origin, size, root, extensions });
      },
    ),
  );
});

test('sizes: 0 and 2^53-1 accepted, extensions kept', () => {
  expect(parseCheckpoint(`o\n0\n${ROOT}\n`).size).toBe(0);
  expect(parseCheckpoint(`o\n9007199254740991\n${ROOT}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  expect(parseCheckpoint(`o\n1\n${ROOT}\next one\n— two\n`).extensions).toEqual(['ext one', '— two']);
});

test('malformed checkpoints are rejected', () => {
  const root31 = Buffer.alloc(31, 1).toString('base64');
  const root33 = Buffer.alloc(33, 1).toString('base64');
  const bad = [
    `o\n1\n${ROOT}`, // no final newline
    `o\n1\n`, // two lines
    `o\n1\n\n`, // empty root line
    `\n1\n${ROOT}\n`, // empty origin
    `o\n01\n${ROOT}\n`, // leading zero
    `o\n00\n${ROOT}\n`,
    `o\n+1\n${ROOT}\n`,
    `o\n-1\n${ROOT}\n`,
    `o\n1e3\n${ROOT}\n`,
    `o\n0x10\n${ROOT}\n`,
    `o\n 1\n${ROOT}\n`,
    `o\n1 \n${ROOT}\n`,
    `o\n１\n${ROOT}\n`, // full-width digit
    `o\n\n${ROOT}\n`,
    `o\n9007199254740992\n${ROOT}\n`, // 2^53
    `o\n18446744073709551615\n${ROOT}\n`,
    `o\n1\n${root31}\n`,
    `o\n1\n${root33}\n`,
    `o\n1\n${ROOT.slice(0, -1)}\n`, // missing padding
    `o\n1\n${ROOT.slice(0, -2)}p=\n`, // non-canonical padding bits (o -> p)
    `o\n1\n${ROOT.replace('/', '_')}\n`, // URL alphabet
    `o\n1\n${ROOT} \n`,
    `o\n1\n${ROOT}\n\n`, // empty extension line
    `o\n1\n${ROOT}\nx\n\ny\n`,
    `o\r\n1\n${ROOT}\n`, // control character
    `o\t\n1\n${ROOT}\n`,
    `o\ud800\n1\n${ROOT}\n`,
  ];
  for (const b of bad) expect(() => parseCheckpoint(b), JSON.stringify(b)).toThrow(FormatError);
});

test('formatCheckpoint refuses what it cannot write', () => {
  const root = new Uint8Array(32);
  expect(() => formatCheckpoint({ origin: '', size: 1, root })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, root })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: -1, root })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: 1.5, root })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, root })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(31) })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: 1, root, extensions: [''] })).toThrow(FormatError);
  expect(() => formatCheckpoint({ origin: 'o', size: 1, root, extensions: ['a\nb'] })).toThrow(FormatError);
});
