// One add-checkpoint request to a witness (c2sp.org/tlog-witness v1.0.0), as a client:
// POST <url>/add-checkpoint with "old <N>", the proof lines, an empty line and the signed
// checkpoint. The answer is classified, not judged: 200 with its body, 409 with the size the
// witness states (text/x.tlog.size), anything else with its status and text. Network failures
// and timeouts throw.
import { parseTreeSize } from '@glasskey/verifier';
import { formatAddCheckpointBody } from '../witness/request-body.ts';
import { WitnessResponseError } from './errors.ts';

export type WitnessAnswer =
  | { status: 200; body: string }
  | { status: 409; size: number }
  | { status: number; message: string };

export interface SubmitOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Longest answer read from a witness; cosignature lines are about 150 bytes each. */
const MAX_ANSWER_BYTES = 64 * 1024;

export async function submitCheckpoint(
  witness: { name: string; url: string },
  oldSize: number,
  proof: readonly Uint8Array[],
  note: string,
  opts: SubmitOptions = {},
): Promise<WitnessAnswer> {
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 10_000)];
  if (opts.signal) signals.push(opts.signal);
  const res = await (opts.fetch ?? fetch)(`${witness.url}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: formatAddCheckpointBody(oldSize, proof, note),
    signal: AbortSignal.any(signals),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_ANSWER_BYTES)
    throw new WitnessResponseError(witness.name, 'answer-too-large', `answered with ${bytes.length} bytes`);
  const text = new TextDecoder().decode(bytes);
  if (res.status === 200) return { status: 200, body: text };
  if (res.status === 409) {
    const m = /^([0-9]+)\n$/.exec(text);
    let size: number | undefined;
    try {
      if (m) size = parseTreeSize(m[1]);
    } catch {
      size = undefined;
    }
    if (size === undefined)
      throw new WitnessResponseError(witness.name, 'bad-conflict', `409 without a "<size>\\n" body: ${JSON.stringify(text.slice(0, 100))}`);
    return { status: 409, size };
  }
  return { status: res.status, message: text.trim().slice(0, 300) };
}
