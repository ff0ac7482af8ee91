// c2sp.org/tlog-proof@v1 parsing and formatting: the spec's example, round trips, and a corpus
// of malformed proofs rejected with FormatError 'bad-tlog-proof'.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { FormatError, formatTlogProof, parseTlogProof, type TlogProof } from '@glasskey/verifier';

// The example of C2SP/C2SP tlog-proof.md (CC BY 4.0), verbatim; its signatures are elided ([...]),
// which does not matter here: the checkpoint is carried verbatim, not opened.
const SPEC_EXAMPLE = `c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
— witness2.example TnKKVHLX[...]xwYwrSjgow==
— witness3.example S4X82uH5[...]3oEcROGLFQ==
`;

test('the spec example parses and formats back byte for byte', () => {
  const p = parseTlogProof(SPEC_EXAMPLE);
  expect(p.index).toBe(73894);
  expect(Buffer.from(p.extra!).toString('base64')).toBe('YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ');
  expect(p.proof.map((h) => Buffer.from(h).toString('base64'))).toEqual([
    'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
    'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
    'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
    'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=',
    'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
  ]);
  expect(p.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
  expect(p.checkpoint.endsWith('3oEcROGLFQ==\n')).toBe(true);
  expect(formatTlogProof(p)).toBe(SPEC_EXAMPLE);
});

test('no extra line, no proof hashes, index 0', () => {
  const text = 'c2sp.org/tlog-proof@v1\nindex 0\n\nlog\n1\nAAAA\n\n— log sig\n';
  const p = parseTlogProof(text);
  expect(p).toEqual({ extra: undefined, index: 0, proof: [], checkpoint: 'log\n1\nAAAA\n\n— log sig\n' });
  expect(formatTlogProof(p)).toBe(text);
});

const arbProof: fc.Arbitrary<TlogProof> = fc.record({
  extra: fc.option(fc.uint8Array({ minLength: 1, maxLength: 100 }), { nil: undefined }),
  index: fc.maxSafeNat(),
  proof: fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 63 }),
  checkpoint: fc.stringMatching(/^[a-z.\/]{1,20}\n[0-9]{1,5}\n[A-Za-z0-9+\/]{43}=\n\n— [a-z]+ [A-Za-z0-9+\/=]{8,20}\n$/),
});

test('format then parse is the identity, and matches an independent Buffer-based layout', () => {
  fc.assert(
    fc.property(arbProof, (p) => {
      const text = formatTlogProof(p);
      const independent =
        'c2sp.org/tlog-proof@v1\n' +
        (p.extra ? `extra ${Buffer.from(p.extra).toString('base64')}\n` : '') +
        `index ${p.index}\n` +
        p.proof.map((h) => Buffer.from(h).toString('base64') + '\n').join('') +
        '\n' +
        p.checkpoint;
      expect(text).toBe(independent);
      expect(parseTlogProof(text)).toEqual(p);
    }),
  );
});

function expectBad(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    expect((e as FormatError).code).toBe('bad-tlog-proof');
    return;
  }
  expect.fail('accepted');
}

const H = 'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=';
const CP = 'log\n1\nAAAA\n\n— log sig\n';
const badCorpus: string[] = [
  '',
  'c2sp.org/tlog-proof@v1',
  'c2sp.org/tlog-proof@v1\n',
  `c2sp.org/tlog-proof@v2\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1 \nindex 0\n\n${CP}`,
  `C2SP.org/tlog-proof@v1\nindex 0\n\n${CP}`,
  `\nc2sp.org/tlog-proof@v1\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\r\nindex 0\r\n\r\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\r\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 01\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex -1\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex +1\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 1e3\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0x10\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex \n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex  1\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 1 \n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex ١\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 9007199254740992\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 99999999999999999999999\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nIndex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\nextra AAAA\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra AAA\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra AB==\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra AA-_\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra AAAA\nextra AAAA\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nextra  AAAA\nindex 0\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H.slice(0, -4)}\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H}AAAA\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H.replace('=', 'R')}\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H.slice(0, 42)}R=\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n ${H}\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H} \n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H}\r\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${(H + '\n').repeat(64)}\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H}\n`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n\n`,
  `c2sp.org/tlog-proof@v1\nindex 0\n\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n${H}\n\n\n${CP}`,
  `c2sp.org/tlog-proof@v1\nindex 0\n\n${CP.slice(0, -1)}`,
];

test(`bad tlog-proofs (${badCorpus.length}) are rejected with FormatError`, () => {
  for (const text of badCorpus) expectBad(() => parseTlogProof(text));
  expectBad(() => parseTlogProof(undefined as unknown as string));
});

test('format refuses what parse would refuse', () => {
  const ok: TlogProof = { extra: undefined, index: 0, proof: [], checkpoint: CP };
  for (const p of [
    { ...ok, index: -1 },
    { ...ok, index: 1.5 },
    { ...ok, index: 2 ** 53 },
    { ...ok, extra: new Uint8Array() },
    { ...ok, proof: [new Uint8Array(31)] },
    { ...ok, proof: Array.from({ length: 64 }, () => new Uint8Array(32)) },
    { ...ok, checkpoint: '' },
    { ...ok, checkpoint: '\n' + CP },
    { ...ok, checkpoint: CP.slice(0, -1) },
  ]) {
    expectBad(() => formatTlogProof(p));
  }
});

test('random mutations of a valid proof parse to something that formats back, or throw FormatError', () => {
  const valid = formatTlogProof({ extra: new Uint8Array(80).fill(3), index: 1234, proof: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)], checkpoint: CP });
  fc.assert(
    fc.property(fc.nat(valid.length - 1), fc.string({ unit: 'binary', maxLength: 3 }), fc.nat(3), (at, insert, del) => {
      const text = valid.slice(0, at) + insert + valid.slice(at + del);
      let p: TlogProof;
      try {
        p = parseTlogProof(text);
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return;
      }
      expect(formatTlogProof(p)).toBe(text);
    }),
    { numRuns: 3000 },
  );
});
