// The add-checkpoint operation of c2sp.org/tlog-witness v1.0.0, without HTTP: parse the body,
// find the log by origin (404), verify its signature (403), old size <= checkpoint size (400),
// then, atomically under the origin's row lock, old size == latest cosigned size (409 with
// that size), consistency (422, or 409 for another root at the same size), store the new
// checkpoint with the witness's cosignature, and return the cosignature line. Two requests
// for one origin serialize on the row lock, so two cannot both succeed from the same old size.
import {
  FormatError,
  formatSignatureLine,
  parseCheckpoint,
  parseNote,
  SignatureError,
  verifyNote,
  type Checkpoint,
  type VerifiedNote,
} from '@glasskey/verifier';
import type { Sql } from 'postgres';
import { cosign, type NoteSigner } from '../../log/note-signer.ts';
import { checkConsistency } from './consistency-check.ts';
import { WitnessError } from './errors.ts';
import type { WitnessedLogs } from './logs-file.ts';
import { originHash } from './origin-hash.ts';
import { parseAddCheckpointBody } from './request-body.ts';
import { insertRefusal, lockOrigin, storeCosigned } from './state-queries.ts';

export interface AddCheckpointDeps {
  sql: Sql;
  logs: WitnessedLogs;
  /** The witness's cosignature/v1 (type 0x04) key. */
  signer: NoteSigner;
  /** Current time in unix seconds (the cosignature timestamp). */
  now?: () => number;
  /** Told about refusals kept as evidence and about failures to keep them. */
  log?: (message: string, err?: unknown) => void;
}

export interface AddCheckpointResult {
  origin: string;
  size: number;
  /** The response body: the witness's cosignature line(s), each "— <name> <base64>\n". */
  cosignatures: string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function parseSignedCheckpoint(note: string): { body: string; checkpoint: Checkpoint } {
  try {
    const { text } = parseNote(note);
    return { body: text, checkpoint: parseCheckpoint(text) };
  } catch (err) {
    if (err instanceof FormatError) throw new WitnessError(400, 'malformed-checkpoint', err.message);
    throw err;
  }
}

function verifyLogSignature(note: string, deps: AddCheckpointDeps, origin: string): VerifiedNote {
  const log = deps.logs.get(origin);
  if (!log) throw new WitnessError(404, 'unknown-origin', `this witness is not configured for the log ${JSON.stringify(origin)}`);
  try {
    return verifyNote(note, log.verifiers);
  } catch (err) {
    if (err instanceof SignatureError && err.code === 'invalid-signature')
      throw new WitnessError(403, 'invalid-log-signature', `the checkpoint has an invalid signature from a trusted key of ${origin}`);
    if (err instanceof SignatureError)
      throw new WitnessError(403, 'missing-log-signature', `the checkpoint has no signature from a trusted key of ${origin}`);
    if (err instanceof FormatError) throw new WitnessError(400, 'malformed-checkpoint', err.message);
    throw err;
  }
}

export async function addCheckpoint(deps: AddCheckpointDeps, requestBody: string): Promise<AddCheckpointResult> {
  const request = parseAddCheckpointBody(requestBody);
  const { body, checkpoint } = parseSignedCheckpoint(request.note);
  const { origin, size, root } = checkpoint;
  const verified = verifyLogSignature(request.note, deps, origin);
  if (request.oldSize > size)
    throw new WitnessError(400, 'old-size-too-large', `old size ${request.oldSize} is larger than the checkpoint size ${size}`);

  const logLines = verified.verified.map(formatSignatureLine).join('');
  try {
    return await deps.sql.begin(async (tx) => {
      const stored = await lockOrigin(tx, origin, originHash(origin));
      const storedSize = stored?.size ?? 0;
      if (request.oldSize !== storedSize)
        throw new WitnessError(409, 'old-size-mismatch', `old size ${request.oldSize} is not the size the witness last cosigned (${storedSize})`, storedSize);
      checkConsistency(stored, request.oldSize, request.proof, { size, root });
      const cosignature = cosign(body, deps.signer, (deps.now ?? nowSeconds)());
      await storeCosigned(tx, origin, { size, root }, `${body}\n${logLines}${cosignature}`);
      return { origin, size, cosignatures: cosignature };
    });
  } catch (err) {
    if (err instanceof WitnessError && (err.status === 422 || err.code === 'root-mismatch')) {
      // The log's signature verified: the refused checkpoint may prove that the log forked.
      await insertRefusal(deps.sql, origin, err.status, err.message, requestBody).catch((e) =>
        deps.log?.(`witness: could not record the refused checkpoint of ${origin}`, e),
      );
    }
    throw err;
  }
}
