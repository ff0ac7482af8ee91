// cosignature/v1 (type 0x04) against the four real witness cosignatures in
// cosignature/vectors.json, each re-checked with node:crypto Ed25519, plus the negative,
// timestamp-only and parse-only vectors and cosignatures made here with node:crypto.
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  FormatError,
  isCosignatureVerifier,
  joinCosignature,
  parseSignatureLine,
  parseVkey,
  SignatureError,
  splitCosignature,
  verifyNote,
  type CosignatureVerifier,
} from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const C = readVectorJson('cosignature/vectors.json');
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function cosigVerifier(vkey: string): CosignatureVerifier {
  const v = parseVkey(vkey);
  if (!isCosignatureVerifier(v)) throw new Error('not a cosignature verifier');
  return v;
}

describe('real cosignatures', () => {
  for (const x of C.vectors) {
    test(x.id, () => {
      const v = cosigVerifier(x.vkey);
      expect(v.type).toBe(4);
      expect(v.name).toBe(x.witnessName);
      expect(hex(v.publicKey)).toBe(x.publicKeyHex);

      expect(new TextDecoder().decode(cosignatureMessage(x.checkpointBody, x.expectedTimestamp))).toBe(x.signedMessage);

      const line = parseSignatureLine(x.signatureLine);
      expect(line.name).toBe(x.witnessName);
      expect(line.keyId).toBe(v.keyId);
      expect(line.signature.length).toBe(72);
      const all = Buffer.from(x.signatureBytesHex, 'hex');
      expect(hex(line.signature)).toBe(all.subarray(4).toString('hex'));
      expect(splitCosignature(line.signature).timestamp).toBe(x.expectedTimestamp);

      // Independent: node:crypto verifies the last 64 bytes over the spec's signed message.
      const spki = createPublicKey({ key: Buffer.from('302a300506032b6570032100' + x.publicKeyHex, 'hex'), format: 'der', type: 'spki' });
      expect(nodeVerify(null, Buffer.from(x.signedMessage), spki, all.subarray(12))).toBe(x.valid);

      expect(v.verifyTimestamp(enc(x.checkpointBody), line.signature)).toBe(x.expectedTimestamp);
      expect(v.verify(enc(x.checkpointBody), line.signature)).toBe(true);

      const opened = verifyNote(`${x.checkpointBody}\n${x.signatureLine}\n`, [v]);
      expect(opened.verified).toHaveLength(1);
      expect(opened.verified[0].timestamp).toBe(x.expectedTimestamp);
      expect(opened.verified[0].type).toBe(4);

      // The timestamp is signed: changing any byte of it (or of the signature) fails.
      for (let i = 0; i < 72; i++) {
        const bad = line.signature.slice();
        bad[i] ^= 1;
        expect(v.verifyTimestamp(enc(x.checkpointBody), bad), `byte ${i}`).toBeNull();
      }
    });
  }

  test('all four verify together in the full signed checkpoint', () => {
    const opened = verifyNote(C.checkpoint.fullSignedNote, C.vectors.map((x: any) => parseVkey(x.vkey)));
    expect(opened.text).toBe(C.checkpoint.body);
    expect(opened.verified.map((s) => s.name).sort()).toEqual(C.vectors.map((x: any) => x.witnessName).sort());
    expect(opened.verified.every((s) => s.timestamp === 1779573024)).toBe(true);
  });
});

test('negative: the same cosignatures on a changed size all fail', () => {
  for (const n of C.negative) {
    for (const lineText of n.signatureLines) {
      const line = parseSignatureLine(lineText);
      const x = C.vectors.find((v: any) => v.witnessName === line.name);
      const v = cosigVerifier(x.vkey);
      expect(v.verifyTimestamp(enc(x.checkpointBody), line.signature)).toBe(x.expectedTimestamp);
      expect(v.verifyTimestamp(enc(n.checkpointBody), line.signature)).toBeNull();
      expect(() => verifyNote(`${n.checkpointBody}\n${lineText}\n`, [v])).toThrow(SignatureError);
    }
  }
});

test('timestamp-only vectors', () => {
  for (const t of C.timestampOnly) {
    if (t.expectError) {
      expect(() => cosignatureTimestamp(t.signatureBase64), t.id).toThrow(FormatError);
    } else {
      const got = cosignatureTimestamp(t.signatureBase64);
      expect(got.timestamp).toBe(t.expectedTimestamp);
      expect(got.keyId.toString(16).padStart(8, '0')).toBe(t.keyIdHex);
    }
  }
});

test('spec example (parse only): key ID, timestamp and signed message', () => {
  for (const u of C.unverifiable) {
    const line = parseSignatureLine(u.signatureLine);
    const b64 = u.signatureLine.split(' ')[2];
    const got = cosignatureTimestamp(b64);
    expect(got.keyId).toBe(line.keyId);
    expect(got.keyId.toString(16).padStart(8, '0')).toBe(u.parsedKeyIdHex);
    expect(got.timestamp).toBe(u.parsedTimestamp);
    expect(new TextDecoder().decode(cosignatureMessage(u.checkpointBody, u.parsedTimestamp))).toBe(u.specSignedMessage);
  }
});

test('cosignatures made with node:crypto verify, with the timestamp they were made with', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const name = 'witness.test/w';
  const keyId = createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([4]), pub])).digest().subarray(0, 4);
  const vkey = `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([4]), pub]).toString('base64')}`;
  const v = cosigVerifier(vkey);
  const body = 'example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
  for (const t of [0, 1, 1700000000, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER]) {
    const sig = nodeSign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), privateKey);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(t));
    const raw = new Uint8Array(Buffer.concat([ts, sig]));
    expect(hex(joinCosignature(t, new Uint8Array(sig)))).toBe(hex(raw));
    expect(v.verifyTimestamp(enc(body), raw)).toBe(t);
    // Claiming a different time than the one signed fails.
    const other = Buffer.from(raw);
    other.writeBigUInt64BE(BigInt(t === 0 ? 1 : t - 1));
    expect(v.verifyTimestamp(enc(body), new Uint8Array(other))).toBeNull();
  }
  // A plain (type 0x01 style) 64-byte signature without timestamp is not a cosignature.
  expect(v.verify(enc(body), new Uint8Array(nodeSign(null, Buffer.from(body), privateKey)))).toBe(false);
});

test('timestamps above 2^53-1 (and the spec ceiling 2^63-1) are rejected', () => {
  const raw = new Uint8Array(72);
  raw.set([0x00, 0x20, 0, 0, 0, 0, 0, 0]); // 2^53
  expect(() => splitCosignature(raw)).toThrow(FormatError);
  raw.set([0x80, 0, 0, 0, 0, 0, 0, 0]); // 2^63
  expect(() => splitCosignature(raw)).toThrow(FormatError);
  raw.set([0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  expect(splitCosignature(raw).timestamp).toBe(Number.MAX_SAFE_INTEGER);
  expect(() => splitCosignature(new Uint8Array(71))).toThrow(FormatError);
  expect(() => cosignatureMessage('x\n', -1)).toThrow(FormatError);
  expect(() => cosignatureMessage('x\n', 1.5)).toThrow(FormatError);
});
