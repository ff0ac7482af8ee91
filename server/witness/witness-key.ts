// The witness's cosigning key: a cosignature/v1 (type 0x04) Ed25519 key in the note private
// key form PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 || seed). Taken from WITNESS_KEY, else
// from the file WITNESS_KEY_FILE, else from <data dir>/witness.key, else created there on
// first start (mode 0600) under WITNESS_NAME (or a default name) and reused after.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNATURE_TYPE_COSIGNATURE_V1 } from '@glasskey/verifier';
import { generateSigner, parsePrivateKey, type NoteSigner } from '../../log/note-signer.ts';
import { WitnessConfigError } from './errors.ts';

export interface WitnessKeyOptions {
  dataDir: string;
  /** WITNESS_NAME: the name a given key must have, and the name of a new key. */
  name?: string;
  /** The name of a new key when `name` is unset. */
  defaultName: string;
  key?: string;
  keyFile?: string;
}

export interface WitnessKey {
  signer: NoteSigner;
  /** Where it came from, for the start-up banner. */
  source: string;
}

export const WITNESS_KEY_FILE_NAME = 'witness.key';

function readGiven(opts: WitnessKeyOptions): { text: string; source: string } | undefined {
  if (opts.key) return { text: opts.key.trim(), source: '$WITNESS_KEY' };
  if (opts.keyFile) {
    try {
      return { text: readFileSync(opts.keyFile, 'utf8').trim(), source: opts.keyFile };
    } catch (err) {
      throw new WitnessConfigError('WITNESS_KEY_FILE', `cannot read ${opts.keyFile}: ${(err as Error).message}`);
    }
  }
  const path = join(opts.dataDir, WITNESS_KEY_FILE_NAME);
  if (existsSync(path)) return { text: readFileSync(path, 'utf8').trim(), source: path };
  return undefined;
}

export function loadOrCreateWitnessKey(opts: WitnessKeyOptions): WitnessKey {
  const given = readGiven(opts);
  if (given) {
    let signer: NoteSigner;
    try {
      signer = parsePrivateKey(given.text);
    } catch (err) {
      throw new WitnessConfigError(given.source, `not a PRIVATE+KEY witness key (${(err as Error).message})`);
    }
    if (signer.type !== SIGNATURE_TYPE_COSIGNATURE_V1)
      throw new WitnessConfigError(given.source, 'a witness key must be a cosignature/v1 (type 0x04) key');
    if (opts.name !== undefined && signer.name !== opts.name)
      throw new WitnessConfigError(given.source, `the key is named ${JSON.stringify(signer.name)}, but WITNESS_NAME is ${JSON.stringify(opts.name)}`);
    return { signer, source: given.source };
  }
  let signer: NoteSigner;
  try {
    signer = generateSigner(opts.name ?? opts.defaultName, SIGNATURE_TYPE_COSIGNATURE_V1);
  } catch (err) {
    throw new WitnessConfigError('WITNESS_NAME', (err as Error).message);
  }
  const path = join(opts.dataDir, WITNESS_KEY_FILE_NAME);
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(path, signer.privateKey + '\n', { mode: 0o600, flag: 'wx' });
  return { signer, source: `${path} (created)` };
}
