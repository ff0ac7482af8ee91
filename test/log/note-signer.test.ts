// Note signing (log side): the Go sumdb/note vectors byte for byte (PeterNeumann, EnochRoot,
// logandmap), private-key strictness, cosign lines checked with node:crypto, and the property
// that sign-then-verify (node:crypto signer, @noble verifier) always verifies while any single
// flipped byte fails.
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FormatError, parseNote, parseVkey, VerificationError, verifyNote } from '@glasskey/verifier';
import { addSignatures, cosign, generateSigner, parsePrivateKey, signerFromSeed, signNote } from '../../log/note-signer.ts';
import { readVectorJson } from '../helpers/vectors.ts';

const V = readVectorJson('note/vectors.json');
const key = (id: string) => V.keys.find((k: any) => k.id === id);
const SIGN = V.valid.find((x: any) => x.id === 'go-sign-peterneumann');
const BOTH = V.valid.find((x: any) => x.id === 'go-open-two-sigs-both-known');

function nodeKeyId(name: string, type: number, pub: Uint8Array): number {
  return createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([type]), pub])).digest().readUInt32BE(0);
}

describe('Go vectors', () => {
  test('PeterNeumann signs the expected note byte for byte', () => {
    const s = parsePrivateKey(SIGN.skey);
    expect(s.vkey).toBe(key('go-peterneumann').vkey);
    expect(s.privateKey).toBe(SIGN.skey);
    expect(signNote(SIGN.text, [s])).toBe(SIGN.expectSignedNote);
  });

  test('EnochRoot from the derived all-zero seed: vkey and second signature', () => {
    const e = parsePrivateKey(key('go-enochroot').derivedSkey);
    expect(e.vkey).toBe(key('go-enochroot').vkey);
    const z = signerFromSeed('EnochRoot', 1, new Uint8Array(32));
    expect(z.privateKey).toBe(key('go-enochroot').derivedSkey);
    expect(addSignatures(SIGN.expectSignedNote, [e])).toBe(BOTH.note);
    // Signing both at once yields the same note.
    expect(signNote(SIGN.text, [parsePrivateKey(SIGN.skey), e])).toBe(BOTH.note);
  });

  test('logandmap key pair', () => {
    const k = key('formats-logandmap');
    const s = parsePrivateKey(k.skey);
    expect(s.vkey).toBe(k.vkey);
    expect(Buffer.from(s.publicKey).toString('hex')).toBe(k.publicKeyHex);
  });

  test('invalidSignerKeys and signNegative are rejected', () => {
    for (const k of V.invalidSignerKeys) expect(() => parsePrivateKey(k.skey), k.reason).toThrow(FormatError);
    for (const n of V.signNegative) expect(() => signNote(n.text, [parsePrivateKey(n.skey)]), n.id).toThrow(FormatError);
  });

  test('generatedNegativeRules (skey): substrings and incremented bytes', () => {
    const rule = V.generatedNegativeRules.find((r: any) => r.id === 'go-skey-manglings');
    const base: string = rule.base;
    expect(parsePrivateKey(base).name).toBe('PeterNeumann');
    for (let i = 0; i < base.length; i++) {
      for (let j = i + 1; j <= base.length; j++) {
        if (i === 0 && j === base.length) continue;
        expect(() => parsePrivateKey(base.slice(i, j)), `[${i}:${j}]`).toThrow(FormatError);
      }
      const inc = base.slice(0, i) + String.fromCharCode(base.charCodeAt(i) + 1) + base.slice(i + 1);
      expect(() => parsePrivateKey(inc), `byte ${i}`).toThrow(FormatError);
    }
  });
});

describe('keys', () => {
  for (const type of [1, 4] as const) {
    test(`generateSigner type ${type} round-trips and matches an independent key ID`, () => {
      const s = generateSigner('glasskey.test/key', type);
      expect(s.type).toBe(type);
      expect(s.keyId).toBe(nodeKeyId(s.name, type, s.publicKey));
      expect(s.vkey).toBe(`${s.name}+${s.keyId.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([type]), s.publicKey]).toString('base64')}`);
      const again = parsePrivateKey(s.privateKey);
      expect(again.vkey).toBe(s.vkey);
      expect(again.privateKey).toBe(s.privateKey);
      expect(parseVkey(s.vkey).type).toBe(type);
    });
  }

  test('bad names and types are refused', () => {
    expect(() => generateSigner('a b')).toThrow(FormatError);
    expect(() => generateSigner('a+b')).toThrow(FormatError);
    expect(() => signerFromSeed('a', 2 as 1, new Uint8Array(32))).toThrow(FormatError);
    expect(() => signerFromSeed('a', 1, new Uint8Array(31))).toThrow(FormatError);
    const s = signerFromSeed('a', 1, new Uint8Array(32).fill(7));
    expect(() => parsePrivateKey(s.privateKey.replace(/\+AQ/, '+Ag'))).toThrow(FormatError); // type 0x02
    expect(() => parsePrivateKey(s.privateKey.replace(/^PRIVATE/, 'private'))).toThrow(FormatError);
  });
});

describe('signing', () => {
  const log = signerFromSeed('example.com/log', 1, new Uint8Array(32).fill(1));
  const other = signerFromSeed('example.com/other', 1, new Uint8Array(32).fill(2));

  test('signNote refuses text that would not open', () => {
    for (const t of ['', 'abc', 'a\u0001\n', 'a\r\n', '\ud800\n']) expect(() => signNote(t, [log]), JSON.stringify(t)).toThrow(FormatError);
    expect(() => signNote('a\n', [])).toThrow(FormatError);
    expect(() => signNote('a\n', [log, log])).toThrow(FormatError);
  });

  test('addSignatures keeps other lines and replaces the same key', () => {
    const one = signNote('hello\n', [log]);
    const two = addSignatures(one, [other]);
    expect(two).toBe(`${one}${signNote('hello\n', [other]).split('\n\n')[1]}`);
    expect(addSignatures(two, [log])).toBe(signNote('hello\n', [other, log]));
    const opened = verifyNote(two, [parseVkey(log.vkey), parseVkey(other.vkey)]);
    expect(opened.verified.map((s) => s.name)).toEqual(['example.com/log', 'example.com/other']);
    expect(() => addSignatures('hello\n', [log])).toThrow(FormatError);
  });

  test('cosign returns the tlog-witness line, verified by node:crypto', () => {
    const w = signerFromSeed('witness.test/w1', 4, new Uint8Array(32).fill(3));
    const body = 'example.com/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
    const line = cosign(body, w, 1700000123);
    expect(line).toMatch(/^\u2014 witness\.test\/w1 [A-Za-z0-9+/]{102}==\n$/);
    const raw = Buffer.from(line.trim().split(' ')[2], 'base64');
    expect(raw.length).toBe(76);
    expect(raw.readUInt32BE(0)).toBe(nodeKeyId(w.name, 4, w.publicKey));
    expect(raw.readBigUInt64BE(4)).toBe(1700000123n);
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), w.publicKey]), format: 'der', type: 'spki' });
    expect(nodeVerify(null, Buffer.from(`cosignature/v1\ntime 1700000123\n${body}`), spki, raw.subarray(12))).toBe(true);
    // And through the verifier, in a note signed by the log.
    const note = signNote(body, [log]) + line;
    const opened = verifyNote(note, [parseVkey(log.vkey), parseVkey(w.vkey)]);
    expect(opened.verified[1].timestamp).toBe(1700000123);
    expect(() => cosign(body, log, 1)).toThrow(FormatError);
    expect(() => cosign('no newline', w, 1)).toThrow(FormatError);
  });

  test('a type 0x04 signer in signNote makes a cosignature with the current time', () => {
    const w = signerFromSeed('witness.test/w2', 4, new Uint8Array(32).fill(4));
    const before = Math.floor(Date.now() / 1000);
    const opened = verifyNote(signNote('o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', [w]), [parseVkey(w.vkey)]);
    expect(opened.verified[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(opened.verified[0].timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

test('property: sign-then-verify verifies; any single flipped byte fails', () => {
  const text = fc
    .string({ unit: 'grapheme', maxLength: 60 })
    .map((s) => s.replace(/[\u0000-\u0009\u000b-\u001f]/g, '.') + '\n');
  fc.assert(
    fc.property(
      text,
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.constantFrom(1 as const, 4 as const),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (t, seed, type, pos, mask) => {
        const s = signerFromSeed('prop.test/k', type, seed);
        const note = signNote(t, [s]);
        const v = parseVkey(s.vkey);
        const opened = verifyNote(note, [v]);
        expect(opened.text).toBe(t);
        expect(parseNote(note).signatures).toHaveLength(1);
        const bytes = new TextEncoder().encode(note);
        const i = pos % bytes.length;
        bytes[i] ^= mask;
        expect(() => verifyNote(bytes, [v])).toThrow(VerificationError);
      },
    ),
    { numRuns: 300 },
  );
});
