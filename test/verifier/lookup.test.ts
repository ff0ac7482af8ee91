// verifyLookup end to end: a real log in memory (entries with real VRF outputs, an RFC 9162
// reference tree, a checkpoint signed by the log and cosigned by a witness, a policy), then one
// change in each part of the response, each rejected with the code of the step that catches it.
import { expect, test } from 'vitest';
import * as openpgp from 'openpgp';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  addressAlpha,
  base64Decode,
  base64Encode,
  encodeEntry,
  enarmor,
  formatCheckpoint,
  formatTlogProof,
  normalizeAddress,
  parsePolicy,
  parseTlogProof,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  VerificationError,
  verifyLookup,
  type Entry,
  type LookupResponse,
  type Policy,
} from '@glasskey/verifier';
import { cosign, generateSigner, signNote } from '../../log/note-signer.ts';
import { vrfKeygen, vrfProve } from '../../log/vrf.ts';
import { referenceInclusionProof, referenceLeafHash, referenceRoot } from '../helpers/reference-tree.ts';

const ORIGIN = 'glasskey.example/log';
const NOW = 1_780_000_000;

interface Log {
  policy: Policy;
  responses: Map<string, LookupResponse>;
  vrfSecret: Uint8Array;
}

async function buildLog(): Promise<Log> {
  const vrf = vrfKeygen();
  const logSigner = generateSigner(ORIGIN);
  const witness = generateSigner('witness.example/w1', SIGNATURE_TYPE_COSIGNATURE_V1);
  const policy = parsePolicy(`log ${logSigner.vkey}\nvrf ${base64Encode(vrf.publicKey)}\nwitness w1 ${witness.vkey}\nquorum w1\nfreshness 3600\n`);

  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'alice@example.org' }], format: 'armored' });
  const aliceCert = (await openpgp.readKey({ armoredKey: publicKey })).write();
  const certs: [string, Uint8Array][] = [
    ['bob@example.org', new Uint8Array([0x99, 1, 2, 3])],
    ['alice@example.org', aliceCert],
    ['carol@xn--bcher-kva.de', new Uint8Array([0x99, 4, 5, 6, 7])],
    ['dave@example.org', new Uint8Array([0x99, 8])],
    ['erin@example.org', new Uint8Array([0x99, 9])],
  ];
  const rows: { address: string; cert: Uint8Array; entry: Uint8Array; vrfProof: Uint8Array }[] = [];
  const version = new Map<string, number>();
  const add = (address: string, cert: Uint8Array, action: Entry['action']) => {
    const { proof, output } = vrfProve(vrf.secretKey, addressAlpha(address));
    const v = (version.get(address) ?? 0) + 1;
    version.set(address, v);
    const entry = encodeEntry({ action, identity: output, version: v, certificateHash: sha256(cert) });
    rows.push({ address, cert, entry, vrfProof: proof });
  };
  for (const [address, cert] of certs) add(address, cert, 'bind');
  add('dave@example.org', new Uint8Array([0x99, 8]), 'unbind');
  add('erin@example.org', new Uint8Array([0x99, 10]), 'bind');

  const leaves = rows.map((r) => referenceLeafHash(r.entry));
  const body = formatCheckpoint({ origin: ORIGIN, size: leaves.length, root: referenceRoot(leaves) });
  const note = signNote(body, [logSigner]) + cosign(body, witness, NOW - 60);

  const responses = new Map<string, LookupResponse>();
  rows.forEach((r, index) => {
    responses.set(`${r.address}#${index}`, {
      email: r.address,
      certificate: enarmor('PUBLIC KEY BLOCK', r.cert),
      entry: base64Encode(r.entry),
      proof: formatTlogProof({ extra: r.vrfProof, index, proof: referenceInclusionProof(leaves, index), checkpoint: note }),
    });
  });
  return { policy, responses, vrfSecret: vrf.secretKey };
}

const log = await buildLog();
const alice = log.responses.get('alice@example.org#1')!;

function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerificationError);
    expect((e as VerificationError).code).toBe(code);
    return;
  }
  expect.fail(`accepted; expected ${code}`);
}

function flipBase64Byte(text: string, i: number, mask = 0x01): string {
  const bytes = base64Decode(text);
  bytes[i] ^= mask;
  return base64Encode(bytes);
}

test('every bind entry verifies, returning the exact certificate bytes, entry and checkpoint', () => {
  for (const [key, response] of log.responses) {
    const [address, indexText] = key.split('#');
    const index = Number(indexText);
    if (address === 'dave@example.org' || key === 'erin@example.org#4') continue; // unbound or superseded, below
    const got = verifyLookup(response, log.policy, address.toUpperCase(), NOW);
    expect(got.index).toBe(index);
    expect(got.entry.action).toBe('bind');
    expect(base64Encode(sha256(got.certificate))).toBe(base64Encode(got.entry.certificateHash));
    expect(got.checkpoint.size).toBe(log.responses.size);
    expect(got.checkpoint.cosignatures.map((c) => c.witness)).toEqual(['w1']);
  }
  const a = verifyLookup(alice, log.policy, ' Alice@Example.ORG ', NOW);
  expect(a.certificate).toEqual(base64Decode(alice.certificate.split('\n').slice(2, -2).join('')));
  expect(verifyLookup({ ...log.responses.get('carol@xn--bcher-kva.de#2')! }, log.policy, 'carol@BÜCHER.de', NOW).index).toBe(2);
});

test('an older, superseded binding still verifies (only monitors see newer entries)', () => {
  expect(verifyLookup(log.responses.get('erin@example.org#4')!, log.policy, 'erin@example.org', NOW).entry.version).toBe(1);
  expect(verifyLookup(log.responses.get('erin@example.org#6')!, log.policy, 'erin@example.org', NOW).entry.version).toBe(2);
});

test('address: another address asked, or the response names another address', () => {
  expectCode(() => verifyLookup(alice, log.policy, 'bob@example.org', NOW), 'address-mismatch');
  expectCode(() => verifyLookup({ ...alice, email: 'alice@example.com' }, log.policy, 'alice@example.org', NOW), 'address-mismatch');
  expectCode(() => verifyLookup({ ...alice, email: 'alice@example.org\r\nBcc: x@y.z' }, log.policy, 'alice@example.org', NOW), 'bad-address');
  expectCode(() => verifyLookup(alice, log.policy, 'alice', NOW), 'bad-address');
  // Bob's response relabelled as Alice's: the VRF proof is for Bob's alpha.
  const bob = log.responses.get('bob@example.org#0')!;
  expectCode(() => verifyLookup({ ...bob, email: 'alice@example.org' }, log.policy, 'alice@example.org', NOW), 'vrf');
  // Bob's entry with Alice's VRF proof: the identity does not match.
  const aliceVrfProof = parseTlogProof(alice.proof).extra!;
  const bobWithAliceProof = withProof({ ...bob, email: 'alice@example.org' }, (p) => (p.extra = aliceVrfProof));
  expectCode(() => verifyLookup(bobWithAliceProof, log.policy, 'alice@example.org', NOW), 'identity-mismatch');
});

test('entry: each changed byte is caught by the step that covers it', () => {
  for (let i = 0; i < 102; i++) {
    const changed = { ...alice, entry: flipBase64Byte(alice.entry, i) };
    const code =
      i <= 1 || i === 69 ? 'bad-entry' // format version 0x00, action 0x00, entry version 0
        : i < 66 ? 'identity-mismatch'
        : i < 70 ? 'inclusion'
        : 'certificate-hash';
    expectCode(() => verifyLookup(changed, log.policy, 'alice@example.org', NOW), code);
  }
  expectCode(() => verifyLookup({ ...alice, entry: flipBase64Byte(alice.entry, 1, 0x03) }, log.policy, 'alice@example.org', NOW), 'not-bound');
  expectCode(() => verifyLookup({ ...alice, entry: alice.entry.slice(4) }, log.policy, 'alice@example.org', NOW), 'bad-entry');
  expectCode(() => verifyLookup({ ...alice, entry: alice.entry + ' ' }, log.policy, 'alice@example.org', NOW), 'bad-entry');
});

test('an unbind entry, correctly proven, is not-bound', () => {
  expectCode(() => verifyLookup(log.responses.get('dave@example.org#5')!, log.policy, 'dave@example.org', NOW), 'not-bound');
});

test('certificate: a changed byte, another certificate, bad armor', () => {
  const der = base64Decode(alice.certificate.split('\n').slice(2, -2).join(''));
  for (const i of [0, 1, Math.floor(der.length / 2), der.length - 1]) {
    const changed = der.slice();
    changed[i] ^= 0x40;
    expectCode(() => verifyLookup({ ...alice, certificate: enarmor('PUBLIC KEY BLOCK', changed) }, log.policy, 'alice@example.org', NOW), 'certificate-hash');
  }
  const bob = log.responses.get('bob@example.org#0')!;
  expectCode(() => verifyLookup({ ...alice, certificate: bob.certificate }, log.policy, 'alice@example.org', NOW), 'certificate-hash');
  expectCode(() => verifyLookup({ ...alice, certificate: enarmor('SIGNATURE', der) }, log.policy, 'alice@example.org', NOW), 'bad-armor');
  expectCode(() => verifyLookup({ ...alice, certificate: alice.certificate.replace('-----END', '----END') }, log.policy, 'alice@example.org', NOW), 'bad-armor');
});

function withProof(response: LookupResponse, edit: (p: ReturnType<typeof parseTlogProof>) => void): LookupResponse {
  const p = parseTlogProof(response.proof);
  edit(p);
  return { ...response, proof: formatTlogProof(p) };
}

test('VRF proof: every changed byte, a missing or short proof, another VRF key', () => {
  for (let i = 0; i < 80; i++) {
    const changed = withProof(alice, (p) => {
      p.extra![i] ^= 0x10;
    });
    expectCode(() => verifyLookup(changed, log.policy, 'alice@example.org', NOW), 'vrf');
  }
  expectCode(() => verifyLookup(withProof(alice, (p) => (p.extra = undefined)), log.policy, 'alice@example.org', NOW), 'vrf');
  expectCode(() => verifyLookup(withProof(alice, (p) => (p.extra = p.extra!.subarray(0, 79))), log.policy, 'alice@example.org', NOW), 'vrf');
  const otherVrf = vrfKeygen();
  expectCode(() => verifyLookup(alice, { ...log.policy, vrf: otherVrf.publicKey }, 'alice@example.org', NOW), 'vrf');
  // A proof made with another VRF key for the same address is not accepted under the policy's key.
  const forged = withProof(alice, (p) => (p.extra = vrfProve(otherVrf.secretKey, addressAlpha('alice@example.org')).proof));
  expectCode(() => verifyLookup(forged, log.policy, 'alice@example.org', NOW), 'vrf');
  expectCode(() => verifyLookup(alice, { ...log.policy, vrf: undefined }, 'alice@example.org', NOW), 'no-vrf-key');
});

test('inclusion proof: every changed hash byte, a wrong index, a missing or extra hash', () => {
  const n = parseTlogProof(alice.proof).proof.length;
  expect(n).toBeGreaterThan(1);
  for (let h = 0; h < n; h++) {
    for (const i of [0, 17, 31]) {
      const changed = withProof(alice, (p) => {
        p.proof[h][i] ^= 0x01;
      });
      expectCode(() => verifyLookup(changed, log.policy, 'alice@example.org', NOW), 'inclusion');
    }
  }
  for (const index of [0, 2, 3, 6, 7, 100]) {
    expectCode(() => verifyLookup(withProof(alice, (p) => (p.index = index)), log.policy, 'alice@example.org', NOW), 'inclusion');
  }
  expectCode(() => verifyLookup(withProof(alice, (p) => p.proof.pop()), log.policy, 'alice@example.org', NOW), 'inclusion');
  expectCode(() => verifyLookup(withProof(alice, (p) => p.proof.push(new Uint8Array(32))), log.policy, 'alice@example.org', NOW), 'inclusion');
  expectCode(() => verifyLookup({ ...alice, proof: alice.proof.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2') }, log.policy, 'alice@example.org', NOW), 'bad-tlog-proof');
});

test('checkpoint: changed log signature, cosignature, body; stale; unknown log key', () => {
  const sigLines = (note: string) => note.split('\n').filter((l) => l.startsWith('— '));
  const note = parseTlogProof(alice.proof).checkpoint;
  const [logLine, witnessLine] = sigLines(note);
  const flipSig = (line: string, i: number) => {
    const [dash, name, b64] = line.split(' ');
    return `${dash} ${name} ${flipBase64Byte(b64, i)}`;
  };
  for (const i of [4, 20, 67]) {
    const changed = withProof(alice, (p) => (p.checkpoint = note.replace(logLine, flipSig(logLine, i))));
    expectCode(() => verifyLookup(changed, log.policy, 'alice@example.org', NOW), 'invalid-signature');
  }
  for (const i of [12, 40, 75]) {
    const changed = withProof(alice, (p) => (p.checkpoint = note.replace(witnessLine, flipSig(witnessLine, i))));
    expectCode(() => verifyLookup(changed, log.policy, 'alice@example.org', NOW), 'invalid-signature');
  }
  const noCosig = withProof(alice, (p) => (p.checkpoint = note.replace(witnessLine + '\n', '')));
  expectCode(() => verifyLookup(noCosig, log.policy, 'alice@example.org', NOW), 'quorum-not-met');
  const otherRoot = withProof(alice, (p) => (p.checkpoint = note.replace(/\n[A-Za-z0-9+/]{43}=\n/, `\n${base64Encode(new Uint8Array(32))}\n`)));
  expectCode(() => verifyLookup(otherRoot, log.policy, 'alice@example.org', NOW), 'invalid-signature');
  expectCode(() => verifyLookup(alice, log.policy, 'alice@example.org', NOW + 7200), 'stale-checkpoint');
  const otherLog = generateSigner(ORIGIN);
  const otherPolicy = { ...log.policy, log: { verifier: parsePolicy(`log ${otherLog.vkey}\n`).log.verifier } };
  expectCode(() => verifyLookup(alice, otherPolicy, 'alice@example.org', NOW), 'missing-log-signature');
});

test('malformed responses are bad-lookup', () => {
  for (const bad of [null, undefined, 'text', {}, { ...alice, email: 1 }, { ...alice, entry: undefined }, { ...alice, proof: null }, { ...alice, certificate: [] }]) {
    expectCode(() => verifyLookup(bad as unknown as LookupResponse, log.policy, 'alice@example.org', NOW), 'bad-lookup');
  }
});

test('the identity in the log is the VRF output of the normalized address only', () => {
  expect(normalizeAddress('ALICE@example.org')).toBe('alice@example.org');
  expect(vrfProve(log.vrfSecret, addressAlpha('alice@example.org')).output).toEqual(
    base64Decode(alice.entry).subarray(2, 66),
  );
});
