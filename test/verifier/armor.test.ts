// ASCII armor against independent implementations: the openpgp package (armor/unarmor and a
// generated key) and `gpg --export --armor` when gpg is on PATH; CRC24 against its check value.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { ARMOR_TYPES, crc24, dearmor, enarmor, FormatError, type ArmorType } from '@glasskey/verifier';

const OPENPGP_TYPE: Record<ArmorType, openpgp.enums.armor> = {
  'PUBLIC KEY BLOCK': openpgp.enums.armor.publicKey,
  'PRIVATE KEY BLOCK': openpgp.enums.armor.privateKey,
  SIGNATURE: openpgp.enums.armor.signature,
  MESSAGE: openpgp.enums.armor.message,
};

async function unarmorWithOpenpgp(text: string): Promise<{ data: Uint8Array; type: openpgp.enums.armor }> {
  const { data, type } = await openpgp.unarmor(text);
  // A string input gives a plain Uint8Array, not a stream.
  expect(data).toBeInstanceOf(Uint8Array);
  return { data: new Uint8Array(data as unknown as Uint8Array), type };
}

test('CRC-24/OPENPGP check value ("123456789" -> 0x21CF02) and the empty input', () => {
  expect(crc24(new TextEncoder().encode('123456789'))).toBe(0x21cf02);
  expect(crc24(new Uint8Array())).toBe(0xb704ce);
});

test('a key armored by openpgp dearmors to its binary packets', async () => {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'alice@example.org' }], format: 'armored' });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  const binary = key.write();
  const got = dearmor(publicKey);
  expect(got.type).toBe('PUBLIC KEY BLOCK');
  expect(got.data).toEqual(binary);
  const withChecksum = openpgp.armor(openpgp.enums.armor.publicKey, binary, undefined, undefined, 'a comment', true);
  expect(withChecksum).toMatch(/\n=[A-Za-z0-9+/]{4}\r?\n/);
  expect(dearmor(withChecksum)).toEqual({ type: 'PUBLIC KEY BLOCK', headers: [['Comment', 'a comment']], data: binary });
});

test('openpgp.armor -> dearmor and enarmor -> openpgp.unarmor agree, with and without checksum', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ARMOR_TYPES), fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), async (type, data, checksum) => {
      const theirs = openpgp.armor(OPENPGP_TYPE[type], data, undefined, undefined, undefined, checksum);
      expect(dearmor(theirs)).toEqual({ type, headers: [], data });
      const ours = enarmor(type, data, { checksum });
      const back = await unarmorWithOpenpgp(ours);
      expect(back.data).toEqual(data);
      expect(back.type).toBe(OPENPGP_TYPE[type]);
      expect(dearmor(ours)).toEqual({ type, headers: [], data });
    }),
    { numRuns: 50 },
  );
});

test('the checksum line is verified: every other value is rejected', () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
  const armored = enarmor('SIGNATURE', data, { checksum: true });
  const crcLine = /\n(=[A-Za-z0-9+/]{4})\n/.exec(armored)![1];
  const crc = crc24(data);
  expect(crcLine).toBe('=' + Buffer.from([crc >> 16, (crc >> 8) & 255, crc & 255]).toString('base64'));
  for (let bit = 0; bit < 24; bit++) {
    const other = crc ^ (1 << bit);
    const line = '=' + Buffer.from([other >> 16, (other >> 8) & 255, other & 255]).toString('base64');
    expectBad(armored.replace(crcLine, line));
  }
});

const gpg = (() => {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test.skipIf(!gpg)('gpg --export --armor dearmors to gpg --export', () => {
  const home = mkdtempSync(join(tmpdir(), 'glasskey-gpg-'));
  const run = (...args: string[]): Buffer => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    run('--passphrase', '', '--pinentry-mode', 'loopback', '--quick-gen-key', 'Alice <alice@example.org>', 'ed25519', 'sign', 'never');
    const armored = run('--export', '--armor').toString('utf8');
    const binary = new Uint8Array(run('--export'));
    expect(binary.length).toBeGreaterThan(0);
    expect(dearmor(armored)).toMatchObject({ type: 'PUBLIC KEY BLOCK', data: binary });
    const ours = enarmor('PUBLIC KEY BLOCK', binary, { checksum: true });
    const imported = execFileSync('gpg', ['--homedir', home, '--batch', '--dearmor'], { input: ours });
    expect(new Uint8Array(imported)).toEqual(binary);
  } finally {
    try {
      execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
    } catch {
      // no agent was started
    }
    rmSync(home, { recursive: true, force: true });
  }
});

test('headers, CRLF line endings, trailing whitespace and surrounding blank lines are accepted', () => {
  const data = new Uint8Array(100).map((_, i) => i * 7);
  const b64 = Buffer.from(data).toString('base64');
  const text = `\r\n-----BEGIN PGP MESSAGE----- \r\nVersion: test 1.0\r\nComment: two: colons\r\n \r\n${b64.slice(0, 50)}\t\r\n${b64.slice(50)}\r\n-----END PGP MESSAGE-----\r\n\r\n`;
  expect(dearmor(text)).toEqual({ type: 'MESSAGE', headers: [['Version', 'test 1.0'], ['Comment', 'two: colons']], data });
});

function expectBad(text: unknown): void {
  try {
    dearmor(text as string);
  } catch (e) {
    expect(e, JSON.stringify(text)).toBeInstanceOf(FormatError);
    expect((e as FormatError).code).toBe('bad-armor');
    return;
  }
  expect.fail(`accepted ${JSON.stringify(text)}`);
}

test('malformed armor is rejected with FormatError bad-armor', () => {
  const data = new Uint8Array([0x99, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const good = enarmor('PUBLIC KEY BLOCK', data, { checksum: true });
  expect(dearmor(good).data).toEqual(data);
  const b64 = Buffer.from(data).toString('base64');
  const crc = /\n(=[A-Za-z0-9+/]{4})\n/.exec(good)![1];
  const wrap = (body: string, begin = 'PUBLIC KEY BLOCK', end = begin) => `-----BEGIN PGP ${begin}-----\n\n${body}\n-----END PGP ${end}-----\n`;
  const corpus: unknown[] = [
    '', 'garbage', b64, undefined, 42,
    good.replace('-----BEGIN PGP PUBLIC KEY BLOCK-----\n', ''),
    good.replace('-----END PGP PUBLIC KEY BLOCK-----\n', ''),
    wrap(b64, 'PUBLIC KEY BLOCK', 'PRIVATE KEY BLOCK'),
    wrap(b64, 'PUBLIC KEY BLOCK', 'MESSAGE'),
    wrap(b64, 'ARMORED FILE'),
    wrap(b64, 'SIGNED MESSAGE'),
    wrap(b64, 'public key block'),
    `----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${b64}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${b64}\n-----END PGP PUBLIC KEY BLOCK----\n`,
    `x-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${b64}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    `text before\n${good}`,
    `${good}text after\n`,
    `${good}${good}`,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n${b64}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: x\n${b64}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion x\n\n${b64}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n`,
    wrap(''),
    wrap(b64.slice(0, -1)),
    wrap(b64 + '='),
    wrap(b64.replace('=', '') + 'A'),
    wrap(b64.replace(/.$/, '').replace(/.=$/, 'R=')),
    wrap(b64.slice(0, 4) + ' ' + b64.slice(4)),
    wrap(b64.slice(0, 4) + '-_' + b64.slice(6)),
    wrap(b64.slice(0, 4) + '\n\n' + b64.slice(4)),
    wrap('AA==\nAAAA'),
    wrap(`${b64}\n=AAA`),
    wrap(`${b64}\n=AAAAA`),
    wrap(`${b64}\n==AAA`),
    wrap(`${b64}\n${crc}\n${crc}`),
    wrap(`${b64}\n${crc}\nAAAA`),
    good.replace(/\n/g, '\r'),
    good.replace(b64.slice(0, 8), b64.slice(0, 8).replace(/./, (c) => (c === 'A' ? 'B' : 'A'))),
  ];
  for (const text of corpus) expectBad(text);
});

test('enarmor refuses empty data and unknown types', () => {
  expect(() => enarmor('PUBLIC KEY BLOCK', new Uint8Array())).toThrow(FormatError);
  expect(() => enarmor('ARMORED FILE' as ArmorType, new Uint8Array([1]))).toThrow(FormatError);
});

test('random mutations of armor: the same data, or FormatError; a changed data line never passes the checksum', () => {
  const data = new Uint8Array(60).map((_, i) => (i * 37) & 255);
  const good = enarmor('SIGNATURE', data, { checksum: true });
  const firstLine = good.indexOf('\n\n') + 2;
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.string({ unit: 'binary', maxLength: 2 }), fc.nat(2), (at, insert, del) => {
      const text = good.slice(0, at) + insert + good.slice(at + del);
      let got: Uint8Array;
      try {
        got = dearmor(text).data;
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        return;
      }
      // Edits inside the first data line can only survive as trailing whitespace.
      if (at >= firstLine && at + del <= firstLine + 64) expect(got).toEqual(data);
    }),
    { numRuns: 3000 },
  );
});
