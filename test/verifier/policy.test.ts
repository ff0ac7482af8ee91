// Client policy files: parse the documented format (with the real arche2025h1 log key and the
// four real witness keys), format/parse round trips, and every malformed line rejected with
// a FormatError naming its line.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_FRESHNESS, formatPolicy, FormatError, groupRequired, parsePolicy, type Policy } from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const NOTE = readVectorJson('note/vectors.json');
const COSIG = readVectorJson('cosignature/vectors.json');
const VRF = readVectorJson('vrf/vrf-r255.json');

const LOG_VKEY: string = NOTE.keys.find((k: any) => k.id === 'arche2025h1-log').vkey;
const PETER_VKEY: string = NOTE.keys.find((k: any) => k.id === 'go-peterneumann').vkey;
const W: string[] = COSIG.vectors.map((v: any) => v.vkey);
const VRF_KEY = Buffer.from(VRF.vectors[0].PK, 'hex').toString('base64');

const EXAMPLE = `# glasskey client policy
log ${LOG_VKEY} https://log.example/

vrf ${VRF_KEY}
witness remora ${W[0]} https://remora.example/
witness garden ${W[1]}
	witness   smartit ${W[2]}
witness stagemole ${W[3]}
group eu 2 remora smartit stagemole
group all-of all eu garden
group anyone any remora garden
quorum all-of
freshness 3600
`;

/** A policy's meaning without the verifier objects: what the round trip must preserve. */
function meaning(p: Policy) {
  return {
    log: { vkey: formatVkeyOf(p.log.verifier), url: p.log.url },
    vrf: p.vrf && Buffer.from(p.vrf).toString('hex'),
    witnesses: p.witnesses.map((w) => ({ name: w.name, vkey: formatVkeyOf(w.verifier), url: w.url })),
    groups: p.groups,
    quorum: p.quorum,
    freshness: p.freshness,
  };
}
function formatVkeyOf(v: { name: string; keyId: number; type: number; publicKey: Uint8Array }) {
  return `${v.name}+${v.keyId.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([v.type]), v.publicKey]).toString('base64')}`;
}

describe('parse', () => {
  test('the example policy', () => {
    const p = parsePolicy(EXAMPLE);
    expect(meaning(p)).toEqual({
      log: { vkey: LOG_VKEY, url: 'https://log.example/' },
      vrf: VRF.vectors[0].PK,
      witnesses: [
        { name: 'remora', vkey: W[0], url: 'https://remora.example/' },
        { name: 'garden', vkey: W[1], url: undefined },
        { name: 'smartit', vkey: W[2], url: undefined },
        { name: 'stagemole', vkey: W[3], url: undefined },
      ],
      groups: [
        { name: 'eu', threshold: 2, members: ['remora', 'smartit', 'stagemole'] },
        { name: 'all-of', threshold: 'all', members: ['eu', 'garden'] },
        { name: 'anyone', threshold: 'any', members: ['remora', 'garden'] },
      ],
      quorum: 'all-of',
      freshness: 3600,
    });
    expect(p.log.verifier.type).toBe(1);
    expect(p.witnesses.every((w) => w.verifier.type === 4)).toBe(true);
    expect(p.groups.map(groupRequired)).toEqual([2, 2, 1]);
  });

  test('defaults: freshness 86400, no quorum line means none when there are no witnesses', () => {
    const p = parsePolicy(`log ${LOG_VKEY}\n`);
    expect(p.quorum).toBeNull();
    expect(p.freshness).toBe(DEFAULT_FRESHNESS);
    expect(DEFAULT_FRESHNESS).toBe(86400);
    expect(p.vrf).toBeUndefined();
    expect(p.witnesses).toEqual([]);
    expect(parsePolicy(`log ${LOG_VKEY}\nwitness w ${W[0]}\nquorum none`).quorum).toBeNull();
    expect(parsePolicy(`log ${LOG_VKEY}\r\nwitness w ${W[0]}\r\nquorum w\r\n`).quorum).toBe('w');
  });
});

describe('round trip', () => {
  test('the example', () => {
    const p = parsePolicy(EXAMPLE);
    const text = formatPolicy(p);
    expect(meaning(parsePolicy(text))).toEqual(meaning(p));
    expect(formatPolicy(parsePolicy(text))).toBe(text);
    expect(text).toContain(`log ${LOG_VKEY} https://log.example/\n`);
    expect(text).toContain('group eu 2 remora smartit stagemole\n');
    expect(text.endsWith('quorum all-of\nfreshness 3600\n')).toBe(true);
  });

  test('generated policies', () => {
    const arb = fc.record({
      witnessCount: fc.integer({ min: 0, max: 4 }),
      groupSpecs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('any', 'all', 'k')), { maxLength: 4 }),
      freshness: fc.integer({ min: 1, max: 10 ** 9 }),
      vrf: fc.boolean(),
      url: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ witnessCount, groupSpecs, freshness, vrf, url }) => {
        const lines = [`log ${LOG_VKEY}${url ? ' https://x.example/log' : ''}`];
        if (vrf) lines.push(`vrf ${VRF_KEY}`);
        const names: string[] = [];
        for (let i = 0; i < witnessCount; i++) {
          lines.push(`witness w${i} ${W[i]}${url ? ` https://w${i}.example/` : ''}`);
          names.push(`w${i}`);
        }
        if (names.length > 0) {
          groupSpecs.forEach(([a, b, kind], gi) => {
            const members = [...new Set([names[a % names.length], names[b % names.length]])];
            const t = kind === 'k' ? String(members.length) : kind;
            lines.push(`group g${gi} ${t} ${members.join(' ')}`);
            names.push(`g${gi}`);
          });
          lines.push(`quorum ${names[names.length - 1]}`);
        } else lines.push('quorum none');
        lines.push(`freshness ${freshness}`);
        const text = lines.join('\n') + '\n';
        expect(formatPolicy(parsePolicy(text))).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  test('formatPolicy refuses names that are not one field', () => {
    const p = parsePolicy(`log ${LOG_VKEY}\nwitness w ${W[0]}\nquorum w\n`);
    expect(() => formatPolicy({ ...p, witnesses: [{ ...p.witnesses[0], name: 'a b' }], quorum: 'a b' })).toThrow(FormatError);
    expect(() => formatPolicy({ ...p, groups: [{ name: 'g', threshold: 1, members: ['w x'] }] })).toThrow(FormatError);
    expect(() => formatPolicy({ ...p, freshness: 0 })).toThrow(FormatError);
  });
});

describe('malformed lines', () => {
  const head = `log ${LOG_VKEY}\nwitness a ${W[0]}\nwitness b ${W[1]}\n`; // lines 1-3
  const cases: [string, number, RegExp?][] = [
    [`frobnicate x\n`, 1, /unknown directive/],
    [`log\n`, 1],
    [`log ${LOG_VKEY} https://x/ extra\n`, 1],
    [`log ${LOG_VKEY} ftp://x/\n`, 1, /http/],
    [`log ${LOG_VKEY} not-a-url\n`, 1, /URL/],
    [`log ${W[0]}\n`, 1, /type 0x01/],
    [`log ${LOG_VKEY.slice(0, -2)}\n`, 1],
    [`log ${LOG_VKEY}\nlog ${PETER_VKEY}\n`, 2, /more than one log/],
    [`LOG ${LOG_VKEY}\n`, 1],
    [`${head}vrf\n`, 4],
    [`${head}vrf ${VRF_KEY} x\n`, 4],
    [`${head}vrf ${Buffer.alloc(31, 1).toString('base64')}\n`, 4],
    [`${head}vrf ${Buffer.alloc(33, 1).toString('base64')}\n`, 4],
    [`${head}vrf ${Buffer.alloc(32, 0xff).toString('base64')}\n`, 4, /ristretto255/],
    [`${head}vrf ${Buffer.alloc(32).toString('base64')}\n`, 4, /ristretto255/], // identity
    [`${head}vrf ${VRF_KEY.replace(/=$/, '')}\n`, 4],
    [`${head}vrf ${VRF_KEY}\nvrf ${VRF_KEY}\n`, 5, /more than one vrf/],
    [`${head}witness c\n`, 4],
    [`${head}witness c ${W[2]} https://c/ extra\n`, 4],
    [`${head}witness a ${W[2]}\n`, 4, /already defined/],
    [`${head}witness none ${W[2]}\n`, 4, /reserved/],
    [`${head}witness c ${LOG_VKEY}\n`, 4, /type 0x04/],
    [`${head}witness c ${W[0]}\n`, 4, /same public key/],
    [`${head}witness c ${W[2]} gopher://c/\n`, 4],
    [`${head}group g\n`, 4],
    [`${head}group g 1\n`, 4],
    [`${head}group g 0 a b\n`, 4, /positive/],
    [`${head}group g 3 a b\n`, 4, /larger/],
    [`${head}group g 01 a b\n`, 4],
    [`${head}group g -1 a b\n`, 4],
    [`${head}group g some a b\n`, 4],
    [`${head}group g any a c\n`, 4, /not a witness or group defined above/],
    [`${head}group g any a a\n`, 4, /twice/],
    [`${head}group a any b\n`, 4, /already defined/],
    [`${head}group g any g\n`, 4, /not a witness or group/],
    [`${head}group none any a\n`, 4, /reserved/],
    [`${head}quorum g\ngroup g any a\n`, 4, /defined above/],
    [`${head}quorum\n`, 4],
    [`${head}quorum a b\n`, 4],
    [`${head}quorum a\nquorum b\n`, 5, /more than one quorum/],
    [`${head}quorum a\nfreshness\n`, 5],
    [`${head}quorum a\nfreshness 0\n`, 5],
    [`${head}quorum a\nfreshness -5\n`, 5],
    [`${head}quorum a\nfreshness 1.5\n`, 5],
    [`${head}quorum a\nfreshness 1e3\n`, 5],
    [`${head}quorum a\nfreshness 99999999999999999999\n`, 5],
    [`${head}quorum a\nfreshness 10\nfreshness 10\n`, 6, /more than one freshness/],
    [`${head}quorum a\nfreshness 10\u0001\n`, 5, /control/],
    [`${head}`, 4, /no quorum line/],
    [`witness a ${W[0]}\nquorum a\n`, 3, /no log line/],
    [``, 1, /no log line/],
  ];
  for (const [text, line, why] of cases) {
    test(`line ${line}: ${JSON.stringify(text.split('\n').at(line - 1) ?? '').slice(0, 60)}`, () => {
      let err: unknown;
      try {
        parsePolicy(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toMatch(new RegExp(`^policy line ${line}: `));
      if (why) expect((err as Error).message).toMatch(why);
    });
  }

  test('the last valid prefix of each case parses (so each case fails for its own line)', () => {
    expect(() => parsePolicy(`${head}quorum a\nfreshness 10\n`)).not.toThrow();
    expect(() => parsePolicy(`${head}vrf ${VRF_KEY}\nquorum a\n`)).not.toThrow();
    expect(() => parsePolicy(`${head}group g any a b\nquorum g\n`)).not.toThrow();
  });
});
