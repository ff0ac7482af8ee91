// The witness's list of logs (WITNESS_LOGS_FILE). One directive a line:
//   log <vkey> [url]
// where <vkey> is the log's Ed25519 (type 0x01) verifier key `origin+keyid+base64`; its key
// name IS the checkpoint origin the witness accepts it for. Several lines with the same origin
// mean several trusted keys for that log (e.g. during a key rotation). The url is the log's
// address, for operators only. Blank lines and lines starting with '#' are ignored.
// Pure: parseLogsFile(text) -> a map origin -> trusted keys; errors name the line.
import { bytesEqual, parseVkey, SIGNATURE_TYPE_ED25519, type NoteVerifier } from '@glasskey/verifier';
import { WitnessConfigError } from './errors.ts';

export interface WitnessedLog {
  origin: string;
  /** The keys trusted for this origin (each key's name is the origin). */
  verifiers: NoteVerifier[];
  url?: string;
}

export type WitnessedLogs = ReadonlyMap<string, WitnessedLog>;

export function parseLogsFile(text: string, source = 'logs file'): WitnessedLogs {
  const logs = new Map<string, WitnessedLog>();
  for (const [i, raw] of text.split('\n').entries()) {
    const err = (why: string) => new WitnessConfigError(`${source} line ${i + 1}`, why);
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const [directive, ...args] = line.split(/[ \t]+/);
    if (directive !== 'log') throw err(`unknown directive ${JSON.stringify(directive)} (expected "log <vkey> [url]")`);
    if (args.length < 1 || args.length > 2) throw err(`log takes a vkey and an optional url, got ${args.length} fields`);
    let verifier: NoteVerifier;
    try {
      verifier = parseVkey(args[0]);
    } catch (e) {
      throw err((e as Error).message);
    }
    if (verifier.type !== SIGNATURE_TYPE_ED25519) throw err('a log key must be an Ed25519 (type 0x01) vkey');
    const url = args[1];
    if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) throw err(`url must be http(s): ${JSON.stringify(url)}`);
    const origin = verifier.name;
    const known = logs.get(origin);
    if (!known) {
      logs.set(origin, url === undefined ? { origin, verifiers: [verifier] } : { origin, verifiers: [verifier], url });
      continue;
    }
    for (const v of known.verifiers) {
      if (v.keyId === verifier.keyId || bytesEqual(v.publicKey, verifier.publicKey))
        throw err(`a key with this key ID or public key is already listed for ${origin}`);
    }
    known.verifiers.push(verifier);
    if (url !== undefined) known.url ??= url;
  }
  return logs;
}
