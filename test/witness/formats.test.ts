// The pure formats of witnessing: the add-checkpoint request body, the witness's logs file,
// the directory's witnesses file (and the policy lines written from it).
import { base64Encode, parsePolicy } from '@glasskey/verifier';
import { describe, expect, it } from 'vitest';
import { generateSigner } from '../../log/note-signer.ts';
import { parseWitnessesFile, witnessPolicyLines } from '../../server/cosigning/witnesses-file.ts';
import { WitnessConfigError, WitnessError } from '../../server/witness/errors.ts';
import { parseLogsFile } from '../../server/witness/logs-file.ts';
import { formatAddCheckpointBody, MAX_PROOF_LINES, parseAddCheckpointBody } from '../../server/witness/request-body.ts';
import { MemoryLog } from './memory-log.ts';

describe('add-checkpoint body', () => {
  const log = new MemoryLog().append(9);

  it('round-trips old size, proof and note', () => {
    const proof = log.consistencyProof(3, 9);
    expect(proof.length).toBeGreaterThan(1);
    const parsed = parseAddCheckpointBody(formatAddCheckpointBody(3, proof, log.note()));
    expect(parsed.oldSize).toBe(3);
    expect(parsed.proof).toEqual(proof);
    expect(parsed.note).toBe(log.note());
  });

  it('matches the layout of the spec example', () => {
    const h = new Uint8Array(32).fill(7);
    expect(formatAddCheckpointBody(20852014, [h], 'X\n')).toBe(`old 20852014\n${base64Encode(h)}\n\nX\n`);
    expect(formatAddCheckpointBody(0, [], 'X\n')).toBe('old 0\n\nX\n');
  });

  it('takes up to 63 proof lines and no more', () => {
    const h = new Uint8Array(32);
    expect(parseAddCheckpointBody(formatAddCheckpointBody(1, Array(MAX_PROOF_LINES).fill(h), 'n\n')).proof).toHaveLength(63);
    const body = `old 1\n${`${base64Encode(h)}\n`.repeat(64)}\nn\n`;
    expect(() => parseAddCheckpointBody(body)).toThrow(/more than 63/);
    expect(() => formatAddCheckpointBody(1, Array(64).fill(h), 'n\n')).toThrow(RangeError);
  });

  for (const [what, body] of [
    ['an empty body', ''],
    ['no old line', '\nnote\n'],
    ['"old" alone', 'old\n\nnote\n'],
    ['a leading zero', 'old 00\n\nnote\n'],
    ['a plus sign', 'old +1\n\nnote\n'],
    ['a size above 2^53-1', 'old 9007199254740992\n\nnote\n'],
    ['a CR line end', 'old 1\r\n\nnote\n'],
    ['non-canonical base64', `old 1\n${base64Encode(new Uint8Array(32)).replace(/=$/, '')}\n\nnote\n`],
    ['no empty line', 'old 1\n'],
    ['nothing after the empty line', 'old 1\n\n'],
  ] as const) {
    it(`rejects ${what} with a 400 WitnessError`, () => {
      let err: unknown;
      try {
        parseAddCheckpointBody(body);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WitnessError);
      expect((err as WitnessError).status).toBe(400);
    });
  }
});

describe('logs file', () => {
  const a = generateSigner('a.test/log');
  const a2 = generateSigner('a.test/log');
  const b = generateSigner('b.test/log');

  it('maps origins to their trusted keys, with comments, blank lines and urls', () => {
    const logs = parseLogsFile(`# comment\n\nlog ${a.vkey} https://a.test/\n  log\t${b.vkey}\nlog ${a2.vkey}\n`);
    expect([...logs.keys()]).toEqual(['a.test/log', 'b.test/log']);
    expect(logs.get('a.test/log')!.verifiers.map((v) => v.keyId)).toEqual([a.keyId, a2.keyId]);
    expect(logs.get('a.test/log')!.url).toBe('https://a.test/');
    expect(logs.get('b.test/log')!.url).toBeUndefined();
  });

  for (const [what, text, line] of [
    ['an unknown directive', `witness ${a.vkey}`, 1],
    ['a bad vkey', `\nlog a.test/log+00000000+AAAA`, 2],
    ['a cosignature key', `log ${generateSigner('w.test', 0x04).vkey}`, 1],
    ['a missing vkey', 'log', 1],
    ['too many fields', `log ${a.vkey} https://a.test x`, 1],
    ['a bad url', `log ${a.vkey} ftp://a.test`, 1],
    ['the same key twice', `log ${a.vkey}\n# again\nlog ${a.vkey}`, 3],
  ] as const) {
    it(`rejects ${what}, naming the line`, () => {
      expect(() => parseLogsFile(text, 'logs')).toThrow(WitnessConfigError);
      expect(() => parseLogsFile(text, 'logs')).toThrow(`logs line ${line}:`);
    });
  }
});

describe('witnesses file', () => {
  const w1 = generateSigner('w1.test/w', 0x04);
  const w2 = generateSigner('w2.test/w', 0x04);
  const text = `# our witnesses\nwitness one ${w1.vkey} http://127.0.0.1:1/w/\nwitness two ${w2.vkey} https://w2.test\ngroup both 2 one two\nquorum both\n`;

  it('reads witnesses (urls without trailing slash), groups and quorum', () => {
    const set = parseWitnessesFile(text);
    expect(set.witnesses.map((w) => [w.name, w.verifier.keyId, w.url])).toEqual([
      ['one', w1.keyId, 'http://127.0.0.1:1/w'],
      ['two', w2.keyId, 'https://w2.test'],
    ]);
    expect(set.groups).toEqual([{ name: 'both', threshold: 2, members: ['one', 'two'] }]);
    expect(set.quorum).toBe('both');
    expect(set.freshness).toBe(86400);
  });

  it('writes policy lines that a client policy reads back to the same witnesses and quorum', () => {
    const lines = witnessPolicyLines(parseWitnessesFile(`${text}freshness 600\n`));
    expect(lines.some((l) => l.startsWith('log '))).toBe(false);
    const policy = parsePolicy(`log ${generateSigner('x.test/log').vkey}\n${lines.join('\n')}\n`);
    expect(policy.witnesses.map((w) => [w.name, w.verifier.keyId, w.url])).toEqual([
      ['one', w1.keyId, 'http://127.0.0.1:1/w'],
      ['two', w2.keyId, 'https://w2.test'],
    ]);
    expect(policy.quorum).toBe('both');
    expect(policy.freshness).toBe(600);
  });

  it('allows no witnesses (quorum none)', () => {
    const set = parseWitnessesFile('# none yet\n');
    expect(set.witnesses).toEqual([]);
    expect(set.quorum).toBeNull();
  });

  for (const [what, bad, where] of [
    ['a log line', `log ${generateSigner('x.test/log').vkey}\n`, 'line 1:'],
    ['a vrf line', `\nvrf AAAA\n`, 'line 2:'],
    ['a witness without url', `witness one ${w1.vkey}\nquorum one\n`, 'no URL'],
    ['a log key as witness key', `witness one ${generateSigner('x.test/log').vkey} https://x.test\nquorum one\n`, 'line 1:'],
    ['a quorum naming nobody', `witness one ${w1.vkey} https://x.test\nquorum two\n`, 'line 2:'],
    ['witnesses without quorum', `witness one ${w1.vkey} https://x.test\n`, 'no quorum line'],
    ['a group threshold above its size', `witness one ${w1.vkey} https://x.test\ngroup g 2 one\nquorum g\n`, 'line 2:'],
  ] as const) {
    it(`rejects ${what}`, () => {
      expect(() => parseWitnessesFile(bad, 'witnesses')).toThrow(where);
    });
  }
});
