// Signed notes (c2sp.org/signed-note) against the public vectors in note/vectors.json, with
// node:crypto Ed25519 as the independent check of every signature the verifier accepts.
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  FormatError,
  MAX_NOTE_SIGNATURES,
  parseNote,
  parseSignatureLine,
  parseVkey,
  PolicyError,
  SignatureError,
  VerificationError,
  verifyNote,
  type NoteVerifier,
} from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const V = readVectorJson('note/vectors.json');
const PETER = V.keys.find((k: any) => k.id === 'go-peterneumann');
const PETER_NOTE: string = V.valid.find((x: any) => x.id === 'go-open-peterneumann').note;
const PETER_LINE = PETER_NOTE.slice(PETER_NOTE.indexOf('\u2014'));
const PETER_TEXT: string = V.valid.find((x: any) => x.id === 'go-open-peterneumann').expectText;

const ERROR_CLASS: Record<string, { cls: typeof VerificationError; code: string }> = {
  malformed: { cls: FormatError, code: 'malformed-note' },
  'invalid-signature': { cls: SignatureError, code: 'invalid-signature' },
  'no-verifiable-signatures': { cls: SignatureError, code: 'no-verifiable-signatures' },
};

function expectError(fn: () => unknown, expectName: string) {
  const want = ERROR_CLASS[expectName];
  expect(want, `unknown expect value ${expectName}`).toBeDefined();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(want.cls);
  expect((err as VerificationError).code).toBe(want.code);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const keyIdHexOf = (n: number) => n.toString(16).padStart(8, '0');

function nodeEd25519Key(publicKeyHex: string) {
  // SPKI DER for an Ed25519 public key: fixed 12-byte prefix + 32-byte key.
  return createPublicKey({ key: Buffer.from('302a300506032b6570032100' + publicKeyHex, 'hex'), format: 'der', type: 'spki' });
}

describe('valid vectors', () => {
  for (const x of V.valid.filter((v: any) => v.kind !== 'sign')) {
    test(x.id, () => {
      const opened = verifyNote(x.note, x.verifierKeys.map(parseVkey));
      expect(opened.text).toBe(x.expectText);
      expect(opened.verified.map((s) => ({ name: s.name, keyIdHex: keyIdHexOf(s.keyId) }))).toEqual(x.expectVerified);
      // Without expectUnverified (the real checkpoint), every other line is unverified.
      const expectUnverified = x.expectUnverified ?? parseNote(x.note).signatures.filter(
        (s) => !x.expectVerified.some((v: any) => v.name === s.name && v.keyIdHex === keyIdHexOf(s.keyId)),
      ).map((s) => ({ name: s.name, keyIdHex: keyIdHexOf(s.keyId) }));
      expect(opened.unverified.length).toBe(expectUnverified.length);
      opened.unverified.forEach((s, i) => {
        const want = expectUnverified[i];
        expect(s.name).toBe(want.name);
        expect(keyIdHexOf(s.keyId)).toBe(want.keyIdHex);
        if (want.sigBase64)
          expect(Buffer.from(Buffer.from(want.sigBase64, 'base64').subarray(4)).equals(Buffer.from(s.signature))).toBe(true);
      });
      // Independent check: node:crypto accepts every signature the verifier accepted.
      for (const s of opened.verified) {
        const key = V.keys.find((k: any) => k.name === s.name && k.keyIdHex === keyIdHexOf(s.keyId));
        expect(nodeVerify(null, Buffer.from(x.expectText, 'utf8'), nodeEd25519Key(key.publicKeyHex), s.signature)).toBe(true);
      }
      // The same note as bytes opens the same way.
      expect(verifyNote(new TextEncoder().encode(x.note), x.verifierKeys.map(parseVkey)).text).toBe(x.expectText);
    });
  }
});

describe('invalid vectors', () => {
  for (const x of V.invalid) {
    test(`${x.id} -> ${x.expect}`, () => {
      const note = x.note ?? new Uint8Array(Buffer.from(x.noteBase64, 'base64'));
      expectError(() => verifyNote(note, x.verifierKeys.map(parseVkey)), x.expect);
    });
  }
});

describe('strict syntax', () => {
  const peter = () => [parseVkey(PETER.vkey)];
  const withLine = (line: string) => `${PETER_TEXT}\n${PETER_LINE}${line}\n`;

  test('every ASCII control character but newline is rejected, anywhere', () => {
    for (let c = 0; c < 0x20; c++) {
      if (c === 0x0a) continue;
      const ch = String.fromCharCode(c);
      expectError(() => verifyNote(ch + PETER_NOTE, peter()), 'malformed');
      expectError(() => verifyNote(PETER_NOTE.replace('PeterNeumann x', `PeterNeumann${ch}x`), peter()), 'malformed');
      expectError(() => verifyNote(PETER_NOTE.replace('\n\n', `\n${ch}\n`), peter()), 'malformed');
    }
  });

  test('strings with lone surrogates and byte input with invalid UTF-8 are rejected', () => {
    expectError(() => verifyNote('\ud800' + PETER_NOTE, peter()), 'malformed');
    expectError(() => verifyNote(PETER_NOTE.replace('answer', 'answer\udc00'), peter()), 'malformed');
    const bytes = new TextEncoder().encode(PETER_NOTE);
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x80]]) {
      const b = new Uint8Array([...bad, ...bytes]);
      expectError(() => verifyNote(b, peter()), 'malformed');
    }
  });

  /** Signs `text` with a fresh node:crypto Ed25519 key; returns the note and its vkey. */
  function nodeSigned(text: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pub = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    const name = 'node.example';
    const keyId = createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([1]), pub])).digest();
    const sig = nodeSign(null, Buffer.from(text), privateKey);
    const note = `${text}\n\u2014 ${name} ${Buffer.concat([keyId.subarray(0, 4), sig]).toString('base64')}\n`;
    const vkey = `${name}+${keyId.subarray(0, 4).toString('hex')}+${Buffer.concat([Buffer.from([1]), pub]).toString('base64')}`;
    return { note, vkey };
  }

  test('a leading byte-order mark is kept as part of the text', () => {
    const text = '\ufeffhello\n';
    const { note, vkey } = nodeSigned(text);
    expect(verifyNote(new TextEncoder().encode(note), [parseVkey(vkey)]).text).toBe(text);
    expect(verifyNote(note, [parseVkey(vkey)]).text).toBe(text);
  });

  test('DEL (U+007F) and non-ASCII are allowed in the text (the spec forbids only < U+0020)', () => {
    const text = 'del \u007f, \u00e9, \ud83d\ude00, \ufffd\n\nsecond paragraph\n';
    const { note, vkey } = nodeSigned(text);
    expect(verifyNote(new TextEncoder().encode(note), [parseVkey(vkey)]).text).toBe(text);
  });

  test('malformed signature lines are rejected', () => {
    const b64 = PETER_LINE.split(' ')[2].trim();
    const lines = [
      `-- PeterNeumann ${b64}`, // ASCII dashes
      `\u2013 PeterNeumann ${b64}`, // en dash
      `\u2014PeterNeumann ${b64}`, // no space after the dash
      `\u2014  PeterNeumann ${b64}`, // empty name
      `\u2014 PeterNeumann  ${b64}`, // two spaces
      `\u2014 PeterNeumann`, // no signature
      `\u2014 PeterNeumann `, // empty signature
      `\u2014 Peter+Neumann ${b64}`, // plus in the name
      `\u2014 Peter\u00a0Neumann ${b64}`, // Unicode space in the name
      `\u2014 Peter\u3000Neumann ${b64}`,
      `\u2014 PeterNeumann ${b64.slice(0, -1)}`, // bad base64 length
      `\u2014 PeterNeumann ${b64.replace(/\//g, '_')}`, // URL alphabet
      `\u2014 PeterNeumann ${b64} `, // trailing space
      `\u2014 PeterNeumann AAAAAA==`, // 4 bytes: key ID only
      `\u2014 PeterNeumann AQ==`,
      `\u2014 PeterNeumann AAAAAAB=`, // non-canonical padding bits
      ``, // empty line inside the signature block
    ];
    for (const line of lines) {
      expectError(() => verifyNote(withLine(line), peter()), 'malformed');
      expect(() => parseNote(withLine(line))).toThrow(FormatError);
    }
    expect(() => parseSignatureLine(`\u2014 PeterNeumann ${b64}`)).not.toThrow();
  });

  test(`at most ${MAX_NOTE_SIGNATURES} signature lines`, () => {
    const unknown = (i: number) => `\u2014 other${i} ${Buffer.alloc(68, i).toString('base64')}\n`;
    let ok = `${PETER_TEXT}\n${PETER_LINE}`;
    for (let i = 1; i < MAX_NOTE_SIGNATURES; i++) ok += unknown(i);
    const opened = verifyNote(ok, peter());
    expect(opened.verified.length).toBe(1);
    expect(opened.unverified.length).toBe(MAX_NOTE_SIGNATURES - 1);
    expectError(() => verifyNote(ok + unknown(200), peter()), 'malformed');
  });

  test('the text may contain blank lines; the last blank line separates the signatures', () => {
    const parsed = parseNote(`a\n\nb\n\n${PETER_LINE}`);
    expect(parsed.text).toBe('a\n\nb\n');
    expect(parsed.signatures.length).toBe(1);
    expect(parsed.signatures[0].name).toBe('PeterNeumann');
    expect(keyIdHexOf(parsed.signatures[0].keyId)).toBe('c74f20a3');
    expect(parsed.signatures[0].signature.length).toBe(64);
  });

  test('every single flipped byte of a signed note is rejected', () => {
    const bytes = new TextEncoder().encode(PETER_NOTE);
    expect(verifyNote(bytes, peter()).verified.length).toBe(1);
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const b = bytes.slice();
        b[i] ^= mask;
        expect(() => verifyNote(b, peter()), `byte ${i} ^ ${mask}`).toThrow(VerificationError);
      }
    }
  });

  test('a second, different signature by a known key must verify too (spec: verify every known-key signature)', () => {
    const sig = Buffer.from(PETER_LINE.split(' ')[2].trim(), 'base64');
    sig[10] ^= 1;
    const note = `${PETER_NOTE}\u2014 PeterNeumann ${sig.toString('base64')}\n`;
    expectError(() => verifyNote(note, peter()), 'invalid-signature');
  });

  test('two different keys under one name and key ID are ambiguous', () => {
    const a = parseVkey(PETER.vkey);
    const fake: NoteVerifier = { ...a, publicKey: new Uint8Array(32), verify: () => true };
    expect(() => verifyNote(PETER_NOTE, [a, fake])).toThrow(PolicyError);
    expect(verifyNote(PETER_NOTE, [a, parseVkey(PETER.vkey)]).verified.length).toBe(1);
  });

  test('verified signatures carry the raw signature bytes', () => {
    const opened = verifyNote(PETER_NOTE, peter());
    expect(hex(opened.verified[0].signature)).toBe(Buffer.from(PETER_LINE.split(' ')[2].trim(), 'base64').subarray(4).toString('hex'));
    expect(opened.verified[0].type).toBe(1);
    expect(opened.verified[0].timestamp).toBeUndefined();
  });
});
