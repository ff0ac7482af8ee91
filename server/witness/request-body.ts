// Parses an add-checkpoint request body (c2sp.org/tlog-witness v1.0.0): an old size line
// "old <N>\n", zero to 63 consistency proof lines (base64 of one 32-byte hash each), an
// empty line, then the signed checkpoint note. Pure; every syntax error is a 400 WitnessError.
import { base64Decode, base64Encode, parseTreeSize } from '@glasskey/verifier';
import { WitnessError } from './errors.ts';

/** The client MUST NOT send more than 63 consistency proof lines. */
export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, exactly as sent. */
  note: string;
}

const bad = (why: string) => new WitnessError(400, 'malformed-request', `malformed add-checkpoint body: ${why}`);

export function parseAddCheckpointBody(body: string): AddCheckpointRequest {
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    const nl = body.indexOf('\n', pos);
    if (nl < 0) throw bad('no empty line before the checkpoint');
    const line = body.slice(pos, nl);
    pos = nl + 1;
    if (line === '') break;
    lines.push(line);
    if (lines.length > 1 + MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  }
  if (lines.length === 0) throw bad('no old size line');
  const [oldLine, ...proofLines] = lines;
  if (!oldLine.startsWith('old ')) throw bad('the first line must be "old <size>"');
  let oldSize: number;
  try {
    oldSize = parseTreeSize(oldLine.slice(4));
  } catch {
    throw bad(`old size ${JSON.stringify(oldLine.slice(4))} is not a decimal number without leading zeroes`);
  }
  const proof = proofLines.map((line, i) => {
    let hash: Uint8Array;
    try {
      hash = base64Decode(line, 'proof hash');
    } catch {
      throw bad(`consistency proof line ${i + 1} is not base64`);
    }
    if (hash.length !== 32) throw bad(`consistency proof line ${i + 1} is ${hash.length} bytes, expected 32`);
    return hash;
  });
  const note = body.slice(pos);
  if (note === '') throw bad('no checkpoint after the empty line');
  return { oldSize, proof, note };
}

/** Formats a request body (the client side; the inverse of parseAddCheckpointBody). */
export function formatAddCheckpointBody(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new RangeError(`old size ${oldSize} is not a tree size`);
  if (proof.length > MAX_PROOF_LINES) throw new RangeError(`a consistency proof has at most ${MAX_PROOF_LINES} hashes`);
  return `old ${oldSize}\n${proof.map((h) => base64Encode(h) + '\n').join('')}\n${note}`;
}
