// Checkpoint bodies, c2sp.org/tlog-checkpoint v1.0.0: origin, tree size, base64 root hash,
// then optional non-empty extension lines, each ending in a newline. Strict: decimal size
// without leading zeros, canonical base64 of exactly 32 bytes, no empty lines, no control
// characters. The size is a JS number: sizes above 2^53-1 are rejected as malformed.
import { base64Decode, base64Encode } from './bytes.ts';
import { FormatError } from '../errors.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

const CONTROL = /[\u0000-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function bad(why: string): FormatError {
  return new FormatError('malformed-checkpoint', `malformed checkpoint: ${why}`);
}

/** Parses a tree size: ASCII decimal, no leading zeros, at most 2^53-1. */
export function parseTreeSize(text: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw bad(`tree size ${JSON.stringify(text)} is not a decimal number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(`tree size ${text} exceeds 2^53-1`);
  return n;
}

/** Parses a checkpoint body (the note text, with its final newline). */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw bad('does not end with a newline');
  if (LONE_SURROGATE.test(body)) throw bad('not valid Unicode');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('fewer than three lines');
  for (const [i, line] of lines.entries()) {
    if (line.length === 0) throw bad(`line ${i + 1} is empty`);
    if (CONTROL.test(line)) throw bad(`line ${i + 1} contains a control character`);
  }
  const [origin, sizeText, rootText, ...extensions] = lines;
  const size = parseTreeSize(sizeText);
  let root: Uint8Array;
  try {
    root = base64Decode(rootText, 'root hash');
  } catch (e) {
    throw bad(`root hash: ${(e as Error).message}`);
  }
  if (root.length !== 32) throw bad(`root hash is ${root.length} bytes, expected 32`);
  return { origin, size, root, extensions };
}

/** Formats a checkpoint body; rejects anything parseCheckpoint would not read back. */
export function formatCheckpoint(c: { origin: string; size: number; root: Uint8Array; extensions?: readonly string[] }): string {
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw bad(`tree size ${c.size} is not a non-negative safe integer`);
  if (c.root.length !== 32) throw bad(`root hash is ${c.root.length} bytes, expected 32`);
  const body = [c.origin, String(c.size), base64Encode(c.root), ...(c.extensions ?? [])].join('\n') + '\n';
  const check = parseCheckpoint(body);
  if (check.origin !== c.origin || check.extensions.length !== (c.extensions?.length ?? 0))
    throw bad('origin or extension lines contain a newline');
  return body;
}
