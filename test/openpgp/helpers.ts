// Test helpers for server/openpgp: key generation of each supported kind, signing arbitrary
// packets (user IDs with any bytes, user attributes, revocations) with a key, assembling
// packet streams, and running gpg in a throwaway GNUPGHOME.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { expect } from 'vitest';
import { CertificateError, type CertificateErrorCode } from '../../server/openpgp/errors.ts';
import { concatBytes, encodePacket, splitPackets, Tag, type RawPacket } from '../../server/openpgp/packets.ts';

export { Tag, encodePacket, splitPackets, concatBytes, type RawPacket };

export type KeyKind = 'rsa2048' | 'rsa3072' | 'ed25519Legacy' | 'curve25519' | 'v6' | 'curve448' | 'nistP256';

const KIND_OPTIONS: Record<KeyKind, Partial<openpgp.KeyOptions>> = {
  rsa2048: { type: 'rsa', rsaBits: 2048 },
  rsa3072: { type: 'rsa', rsaBits: 3072 },
  ed25519Legacy: { type: 'ecc', curve: 'ed25519Legacy' },
  curve25519: { type: 'curve25519' },
  v6: { type: 'curve25519', config: { v6Keys: true } },
  curve448: { type: 'curve448' },
  nistP256: { type: 'ecc', curve: 'nistP256' },
};

export interface TestKey {
  readonly privateKey: openpgp.PrivateKey;
  readonly publicKey: openpgp.PublicKey;
  readonly armored: string;
  readonly binary: Uint8Array;
}

export async function generate(
  kind: KeyKind,
  userIDs: openpgp.UserID[] = [{ name: 'Alice', email: 'alice@example.org' }],
  extra: Partial<openpgp.KeyOptions> = {},
): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    ...KIND_OPTIONS[kind],
    ...extra,
    config: { ...KIND_OPTIONS[kind].config, ...extra.config },
    userIDs,
    format: 'object',
  });
  return { privateKey, publicKey, armored: publicKey.armor(), binary: publicKey.write() };
}

/** Key revocation, direct-key, certification, ... as openpgp's signature type numbers. */
export const SigType = openpgp.enums.signature;

export interface SignOptions {
  date?: Date;
  hash?: openpgp.enums.hash;
  /** Signature packet fields to set before signing (keyFlags, keyExpirationTime, ...). */
  props?: Record<string, unknown>;
}

/** Data a test signature covers; user IDs and attributes as raw packet bodies. */
export interface SignTarget {
  key: openpgp.PublicKeyPacket | openpgp.SecretKeyPacket;
  userId?: Uint8Array;
  userAttribute?: Uint8Array;
  bind?: openpgp.PublicSubkeyPacket | openpgp.SecretSubkeyPacket;
}

/** A signature packet body made by `signer` (a decrypted secret key or subkey packet). */
export async function sign(
  signer: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket,
  type: openpgp.enums.signature,
  target: SignTarget,
  { date = new Date(), hash = openpgp.enums.hash.sha256, props = {} }: SignOptions = {},
): Promise<Uint8Array> {
  const sig = new openpgp.SignaturePacket();
  sig.signatureType = type;
  sig.publicKeyAlgorithm = signer.algorithm;
  sig.hashAlgorithm = hash;
  Object.assign(sig, props);
  const raw = (bytes: Uint8Array | undefined) => (bytes ? { write: () => bytes } : undefined);
  const data = { key: target.key, userID: raw(target.userId), userAttribute: raw(target.userAttribute), bind: target.bind };
  // openpgp salts v4 signatures with a notation sized for the hash; SHA-1 has no salt size.
  const config = { ...openpgp.config, nonDeterministicSignaturesViaNotation: hash !== openpgp.enums.hash.sha1 };
  await (sig.sign as (...a: unknown[]) => Promise<void>).call(sig, signer, data, date, false, config);
  return sig.write();
}

export const text = (s: string) => new TextEncoder().encode(s);

/** A self-signed user ID (packet and its certification) for `key`, with arbitrary bytes. */
export async function selfSignedUserId(key: TestKey, userId: Uint8Array | string, options: SignOptions = {}): Promise<RawPacket[]> {
  const body = typeof userId === 'string' ? text(userId) : userId;
  const sig = await sign(key.privateKey.keyPacket as openpgp.SecretKeyPacket, SigType.certPositive, { key: key.publicKey.keyPacket, userId: body }, options);
  return [
    { tag: Tag.userId, body },
    { tag: Tag.signature, body: sig },
  ];
}

/** Packets of a certificate, as RawPacket list. */
export function packetsOf(binary: Uint8Array): RawPacket[] {
  return splitPackets(binary);
}

export function assemble(packets: readonly RawPacket[]): Uint8Array {
  return concatBytes(packets.map((p) => encodePacket(p.tag, p.body)));
}

/** Inserts packets right after the first packet matching `after` (default: the end). */
export function insertAfter(packets: readonly RawPacket[], index: number, extra: readonly RawPacket[]): RawPacket[] {
  return [...packets.slice(0, index + 1), ...extra, ...packets.slice(index + 1)];
}

/** Index of the n-th packet with `tag` (0-based n). */
export function indexOfTag(packets: readonly RawPacket[], tag: number, n = 0): number {
  let seen = 0;
  for (let i = 0; i < packets.length; i++) if (packets[i].tag === tag && seen++ === n) return i;
  return -1;
}

/** Awaits `promise`, expecting a CertificateError with `code`; returns it. */
export async function expectCertificateError(promise: Promise<unknown>, code: CertificateErrorCode): Promise<CertificateError> {
  let caught: unknown = null;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected CertificateError ${code}`).toBeInstanceOf(CertificateError);
  expect((caught as CertificateError).code).toBe(code);
  expect((caught as CertificateError).status).toBeGreaterThanOrEqual(400);
  expect((caught as CertificateError).status).toBeLessThan(500);
  return caught as CertificateError;
}

/** Runs a command; resolves with its output whatever the exit status. */
export function run(
  file: string,
  args: readonly string[],
  { input, env, timeout = 30_000 }: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string; stdoutBytes: Buffer }> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { env: { ...process.env, ...env }, timeout, encoding: 'buffer', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), stdoutBytes: stdout });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** A temporary GNUPGHOME; `dispose` stops its agents and removes it. */
export function gnupgHome(): { home: string; gpg: (args: readonly string[], input?: Uint8Array | string) => ReturnType<typeof run>; dispose: () => Promise<void> } {
  const home = mkdtempSync(join(tmpdir(), 'gk-gpg-'));
  return {
    home,
    gpg: (args, input) => run('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { input }),
    dispose: async () => {
      await run('gpgconf', ['--homedir', home, '--kill', 'all']);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
