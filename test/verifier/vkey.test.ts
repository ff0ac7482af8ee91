// Verifier keys: every key in the note and cosignature vectors parses with the published key ID
// (recomputed here with node:crypto SHA-256), and every bad or mangled vkey is rejected.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { computeKeyId, formatVkey, FormatError, isValidKeyName, parseVkey } from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const NOTE = readVectorJson('note/vectors.json');
const COSIG = readVectorJson('cosignature/vectors.json');

function nodeKeyIdHex(name: string, type: number, publicKeyHex: string): string {
  const h = createHash('sha256');
  h.update(Buffer.from(name, 'utf8'));
  h.update(Buffer.from([0x0a, type]));
  h.update(Buffer.from(publicKeyHex, 'hex'));
  return h.digest().subarray(0, 4).toString('hex');
}

const allKeys = [
  ...NOTE.keys.map((k: any) => ({ vkey: k.vkey, name: k.name, type: k.type, publicKeyHex: k.publicKeyHex, keyIdHex: k.keyIdHex })),
  ...COSIG.vectors.map((v: any) => ({ vkey: v.vkey, name: v.witnessName, type: 4, publicKeyHex: v.publicKeyHex, keyIdHex: v.keyIdHex })),
];

describe('published keys', () => {
  for (const k of allKeys) {
    test(k.vkey, () => {
      const v = parseVkey(k.vkey);
      expect(v.name).toBe(k.name);
      expect(v.type).toBe(k.type);
      expect(Buffer.from(v.publicKey).toString('hex')).toBe(k.publicKeyHex);
      expect(v.keyId.toString(16).padStart(8, '0')).toBe(k.keyIdHex);
      expect(nodeKeyIdHex(k.name, k.type, k.publicKeyHex)).toBe(k.keyIdHex);
      expect(computeKeyId(k.name, k.type, new Uint8Array(Buffer.from(k.publicKeyHex, 'hex')))).toBe(parseInt(k.keyIdHex, 16));
      expect(formatVkey(v)).toBe(k.vkey);
    });
  }
});

test('invalidVerifierKeys are rejected', () => {
  for (const k of NOTE.invalidVerifierKeys) expect(() => parseVkey(k.vkey), k.reason).toThrow(FormatError);
});

test('other signature types (ECDSA 0x02, RFC 6962 0x05) are unsupported', () => {
  for (const k of NOTE.otherTypeVerifierKeys) {
    expect(() => parseVkey(k.vkey)).toThrow(expect.objectContaining({ code: 'unsupported-key-type' }));
  }
});

test('cosignature vkeyParsing cases', () => {
  for (const c of COSIG.vkeyParsing) {
    if (c.valid) expect(parseVkey(c.vkey).type, c.vkey).toBe(c.type);
    else expect(() => parseVkey(c.vkey), c.reason).toThrow(FormatError);
  }
});

describe('generatedNegativeRules (vkey)', () => {
  const rule = NOTE.generatedNegativeRules.find((r: any) => r.id === 'go-vkey-manglings');
  const base: string = rule.base;
  test('the base parses', () => expect(parseVkey(base).name).toBe('PeterNeumann'));
  test('every proper substring is rejected', () => {
    let n = 0;
    for (let i = 0; i < base.length; i++)
      for (let j = i + 1; j <= base.length; j++) {
        if (i === 0 && j === base.length) continue;
        expect(() => parseVkey(base.slice(i, j)), `[${i}:${j}]`).toThrow(FormatError);
        n++;
      }
    expect(n).toBe((base.length * (base.length + 1)) / 2 - 1);
  });
  test('every single byte incremented is rejected', () => {
    for (let i = 0; i < base.length; i++) {
      const s = base.slice(0, i) + String.fromCharCode(base.charCodeAt(i) + 1) + base.slice(i + 1);
      expect(() => parseVkey(s), `byte ${i}`).toThrow(FormatError);
    }
  });
});

test('strictness beyond Go: uppercase key ID, non-canonical point encoding', () => {
  const peter = NOTE.keys.find((k: any) => k.id === 'go-peterneumann');
  expect(() => parseVkey(peter.vkey.replace('c74f20a3', 'C74F20A3'))).toThrow(FormatError);
  // y = p = 2^255 - 19 is a non-canonical encoding (of y = 0); the key ID is computed to match.
  const nonCanonical = 'ed' + 'ff'.repeat(30) + '7f';
  const id = nodeKeyIdHex('x.example', 1, nonCanonical);
  const vkey = `x.example+${id}+${Buffer.from('01' + nonCanonical, 'hex').toString('base64')}`;
  expect(() => parseVkey(vkey)).toThrow(FormatError);
});

test('key names', () => {
  for (const ok of ['a', 'example.com/foo', 'transparency.dev/DEV:witness-little-garden', 'ünïcode'])
    expect(isValidKeyName(ok), ok).toBe(true);
  for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2028b', 'a\u0001b', '\ud800'])
    expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
  expect(() => computeKeyId('a b', 1, new Uint8Array(32))).toThrow(FormatError);
});
