// c2sp.org/tlog-proof@v1: the offline proof text. Header line, optional `extra <base64>`,
// `index <N>`, one base64 SHA-256 hash a line (leaf's sibling up to the root's child), one
// empty line, then the signed checkpoint verbatim. Parsing is strict and canonical; the
// checkpoint itself is opened elsewhere (open-checkpoint.ts).
import { base64Decode, base64Encode } from './bytes.ts';
import { FormatError } from '../errors.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** A proof in a tree of fewer than 2^63 leaves has at most 63 hashes. */
export const MAX_TLOG_PROOF_HASHES = 63;
const HASH_SIZE = 32;

export interface TlogProof {
  /** Opaque, unauthenticated extra data (here: the VRF proof); undefined when the line is absent. */
  extra: Uint8Array | undefined;
  /** Zero-based index of the entry in the log. */
  index: number;
  /** Inclusion proof hashes, 32 bytes each. */
  proof: Uint8Array[];
  /** The signed checkpoint with its cosignatures, verbatim (ends with a newline). */
  checkpoint: string;
}

function bad(reason: string): never {
  throw new FormatError('bad-tlog-proof', `tlog-proof: ${reason}`);
}

function decodeBase64(text: string, what: string): Uint8Array {
  try {
    return base64Decode(text, what);
  } catch {
    bad(`${what} is not canonical base64`);
  }
}

function parseIndex(text: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) bad('index is not a decimal without leading zeros');
  const index = Number(text);
  if (!Number.isSafeInteger(index)) bad('index is too large');
  return index;
}

function checkCheckpoint(checkpoint: string): void {
  if (checkpoint.length === 0) bad('missing checkpoint');
  if (checkpoint.startsWith('\n')) bad('more than one empty line before the checkpoint');
  if (!checkpoint.endsWith('\n')) bad('checkpoint does not end with a newline');
}

export function parseTlogProof(text: string): TlogProof {
  if (typeof text !== 'string') bad('not a string');
  let pos = 0;
  const nextLine = (what: string): string => {
    const end = text.indexOf('\n', pos);
    if (end < 0) bad(`missing ${what}`);
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  if (nextLine('header line') !== TLOG_PROOF_HEADER) bad(`first line is not ${TLOG_PROOF_HEADER}`);
  let line = nextLine('index line');
  let extra: Uint8Array | undefined;
  if (line.startsWith('extra ')) {
    const encoded = line.slice('extra '.length);
    if (encoded.length === 0) bad('empty extra data');
    extra = decodeBase64(encoded, 'extra data');
    line = nextLine('index line');
  }
  if (!line.startsWith('index ')) bad("expected the 'index' line");
  const index = parseIndex(line.slice('index '.length));
  const proof: Uint8Array[] = [];
  for (;;) {
    line = nextLine('empty line before the checkpoint');
    if (line === '') break;
    if (proof.length === MAX_TLOG_PROOF_HASHES) bad(`more than ${MAX_TLOG_PROOF_HASHES} proof hashes`);
    const hash = decodeBase64(line, 'proof hash');
    if (hash.length !== HASH_SIZE) bad(`proof hash is not ${HASH_SIZE} bytes`);
    proof.push(hash);
  }
  const checkpoint = text.slice(pos);
  checkCheckpoint(checkpoint);
  return { extra, index, proof, checkpoint };
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) bad('index must be a non-negative safe integer');
  if (p.proof.length > MAX_TLOG_PROOF_HASHES) bad(`more than ${MAX_TLOG_PROOF_HASHES} proof hashes`);
  checkCheckpoint(p.checkpoint);
  let out = `${TLOG_PROOF_HEADER}\n`;
  if (p.extra !== undefined) {
    if (!(p.extra instanceof Uint8Array) || p.extra.length === 0) bad('extra must be non-empty bytes');
    out += `extra ${base64Encode(p.extra)}\n`;
  }
  out += `index ${p.index}\n`;
  for (const hash of p.proof) {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) bad(`proof hash is not ${HASH_SIZE} bytes`);
    out += `${base64Encode(hash)}\n`;
  }
  return `${out}\n${p.checkpoint}`;
}
