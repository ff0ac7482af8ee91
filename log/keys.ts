// The log's two secrets: the Ed25519 checkpoint signing key (note form
// PRIVATE+KEY+<origin>+<keyid>+<base64(0x01||seed)>) and the VRF secret key (base64, 32 bytes).
// Taken from the environment or a file an operator names, else created on first start in
// the data directory (mode 0600) and reused after.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64Decode, base64Encode } from '@glasskey/verifier';
import { generateSigner, parsePrivateKey, type NoteSigner } from './note-signer.ts';
import { vrfKeygen, vrfPublicKey } from './vrf.ts';

export class KeyError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'KeyError';
  }
}

export interface LogKeys {
  signer: NoteSigner;
  vrfSecretKey: Uint8Array;
  vrfPublicKey: Uint8Array;
  /** Where each key came from, for the start-up banner. */
  sources: { log: string; vrf: string };
}

export interface KeyOptions {
  origin: string;
  dataDir: string;
  logKey?: string;
  logKeyFile?: string;
  vrfKey?: string;
  vrfKeyFile?: string;
}

function readSecret(value: string | undefined, file: string | undefined, envName: string): { text: string; source: string } | undefined {
  if (value) return { text: value.trim(), source: `$${envName}` };
  if (file) {
    try {
      return { text: readFileSync(file, 'utf8').trim(), source: file };
    } catch (err) {
      throw new KeyError(`${envName}_FILE`, `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

function loadSigner(opts: KeyOptions): { signer: NoteSigner; source: string } {
  let given = readSecret(opts.logKey, opts.logKeyFile, 'GLASSKEY_LOG_KEY');
  const path = join(opts.dataDir, 'log.key');
  if (!given && existsSync(path)) given = { text: readFileSync(path, 'utf8').trim(), source: path };
  if (given) {
    let signer: NoteSigner;
    try {
      signer = parsePrivateKey(given.text);
    } catch (err) {
      throw new KeyError(given.source, `not a PRIVATE+KEY note signing key (${(err as Error).message})`);
    }
    if (signer.name !== opts.origin)
      throw new KeyError(given.source, `the key is for origin ${JSON.stringify(signer.name)}, but the log's origin is ${JSON.stringify(opts.origin)} (set GLASSKEY_ORIGIN, or use a new data directory for a new log)`);
    return { signer, source: given.source };
  }
  const created = generateSigner(opts.origin);
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(path, created.privateKey + '\n', { mode: 0o600 });
  return { signer: created, source: `${path} (created)` };
}

function loadVrf(opts: KeyOptions): { secretKey: Uint8Array; source: string } {
  let given = readSecret(opts.vrfKey, opts.vrfKeyFile, 'GLASSKEY_VRF_KEY');
  const path = join(opts.dataDir, 'vrf.key');
  if (!given && existsSync(path)) given = { text: readFileSync(path, 'utf8').trim(), source: path };
  if (given) {
    let secretKey: Uint8Array;
    try {
      secretKey = base64Decode(given.text, 'VRF key');
      vrfPublicKey(secretKey);
    } catch (err) {
      throw new KeyError(given.source, `not a base64 32-byte VRF secret key (${(err as Error).message})`);
    }
    if (secretKey.length !== 32) throw new KeyError(given.source, `a VRF secret key is 32 bytes, got ${secretKey.length}`);
    return { secretKey, source: given.source };
  }
  const { secretKey } = vrfKeygen();
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(path, base64Encode(secretKey) + '\n', { mode: 0o600 });
  return { secretKey, source: `${path} (created)` };
}

export function loadOrCreateKeys(opts: KeyOptions): LogKeys {
  const log = loadSigner(opts);
  const vrf = loadVrf(opts);
  return {
    signer: log.signer,
    vrfSecretKey: vrf.secretKey,
    vrfPublicKey: vrfPublicKey(vrf.secretKey),
    sources: { log: log.source, vrf: vrf.source },
  };
}
