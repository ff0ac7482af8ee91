// The directory's cosigning loop. Each round (every pollMs, and on pokeNow()), one process at
// a time (advisory lock) takes the log's latest signed checkpoint and sends it to every
// witness that has not cosigned it yet, or whose cosignature of it is older than intervalMs
// (so cosignature times stay fresh while the log does not grow), with the consistency proof
// from the size that witness last cosigned. A 409 names the witness's real size: the request
// is repeated from there. Each accepted cosignature is stored per (size, witness); then, if
// the cosignatures of the latest checkpoint meet the quorum, it becomes the served checkpoint.
// A failing witness is retried after retryMs; the others carry on.
import { parseNote, parseVkey, formatVkey, type NoteVerifier } from '@glasskey/verifier';
import type { Sql } from 'postgres';
import { acceptCosignature } from './cosignature-lines.ts';
import {
  selectCosignatures,
  selectWitnessSizes,
  tryCosigningLock,
  upsertCosignature,
  upsertServedCheckpoint,
  upsertWitnessSize,
} from './queries.ts';
import { assembleServedNote } from './served-note.ts';
import { submitCheckpoint, type WitnessAnswer } from './witness-client.ts';
import { witnessPolicy, type CosigningWitness, type WitnessSet } from './witnesses-file.ts';

export interface LogCheckpoint {
  size: number;
  /** The log's signed checkpoint note. */
  note: string;
}

export interface SubmissionEvent {
  witness: string;
  size: number;
  oldSize: number;
  /** HTTP status, or 0 when the request failed without an answer. */
  status: number;
  error?: string;
}

export interface CosignerOptions {
  sql: Sql;
  witnesses: WitnessSet;
  /** The log's checkpoint verifier key (type 0x01), to check the notes it serves. */
  logVkey: string;
  latestCheckpoint(): Promise<LogCheckpoint | null>;
  consistencyProof(size1: number, size2: number): Promise<Uint8Array[]>;
  /** Re-send an unchanged checkpoint to a witness once its cosignature is this old (ms). */
  intervalMs: number;
  /** How often to look for a new checkpoint (ms); default min(1000, intervalMs). */
  pollMs?: number;
  /** Wait before asking a witness again after it failed (ms); default min(5000, intervalMs). */
  retryMs?: number;
  /** Per request (ms); default 10000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Unix seconds; default the system clock. */
  now?: () => number;
  log?: (message: string, err?: unknown) => void;
  onSubmission?: (event: SubmissionEvent) => void;
}

export interface Cosigner {
  /** Stops the timer, aborts requests in flight and waits for the current round. */
  stop(): Promise<void>;
  /** Runs a round soon (after the current one, if any); resolves when it is done. */
  pokeNow(): Promise<void>;
}

/** A witness that changed its size twice in one round is not followed further. */
const MAX_ATTEMPTS = 3;

export function startCosigner(opts: CosignerOptions): Cosigner {
  const logVerifier: NoteVerifier = parseVkey(opts.logVkey);
  const policy = witnessPolicy(opts.witnesses, logVerifier);
  const pollMs = opts.pollMs ?? Math.min(1000, opts.intervalMs);
  const retryMs = opts.retryMs ?? Math.min(5000, opts.intervalMs);
  const nowSeconds = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const log = opts.log ?? ((m: string, err?: unknown) => (err === undefined ? console.log(m) : console.error(m, err)));
  const abort = new AbortController();
  const retryAt = new Map<string, number>();
  let stopped = false;
  let firstRound = true;

  const emit = (e: SubmissionEvent) => {
    try {
      opts.onSubmission?.(e);
    } catch (err) {
      log('cosigning: onSubmission failed', err);
    }
  };

  const fail = (w: CosigningWitness, message: string, err?: unknown) => {
    retryAt.set(w.name, Date.now() + retryMs);
    log(`cosigning: witness ${w.name}: ${message}`, err);
  };

  /** Gets `w` to cosign `cp`, following 409s. True when a cosignature was stored. */
  async function cosignWith(w: CosigningWitness, cp: LogCheckpoint, body: string, knownSize: number): Promise<boolean> {
    const vkey = formatVkey(w.verifier);
    let oldSize = knownSize;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (oldSize > cp.size) {
        fail(w, `has cosigned size ${oldSize}, larger than the log's latest checkpoint (${cp.size})`);
        return false;
      }
      let answer: WitnessAnswer;
      try {
        const proof = oldSize === 0 || oldSize === cp.size ? [] : await opts.consistencyProof(oldSize, cp.size);
        answer = await submitCheckpoint(w, oldSize, proof, cp.note, { fetch: opts.fetch, timeoutMs: opts.timeoutMs, signal: abort.signal });
      } catch (err) {
        emit({ witness: w.name, size: cp.size, oldSize, status: 0, error: (err as Error).message });
        if (!stopped) fail(w, `could not submit size ${cp.size} from ${oldSize}: ${(err as Error).message}`);
        return false;
      }
      if (answer.status === 200 && 'body' in answer) {
        try {
          const accepted = acceptCosignature(w.name, w.verifier, body, answer.body);
          await upsertCosignature(opts.sql, cp.size, { witness: w.name, body, ...accepted });
          await upsertWitnessSize(opts.sql, w.name, vkey, cp.size);
        } catch (err) {
          emit({ witness: w.name, size: cp.size, oldSize, status: 200, error: (err as Error).message });
          fail(w, `cosigned size ${cp.size} but the answer was not usable`, err);
          return false;
        }
        emit({ witness: w.name, size: cp.size, oldSize, status: 200 });
        retryAt.delete(w.name);
        return true;
      }
      if (answer.status === 409 && 'size' in answer) {
        emit({ witness: w.name, size: cp.size, oldSize, status: 409 });
        if (answer.size === oldSize) {
          // Same size but a conflict: the witness cosigned another root at this size (a fork).
          fail(w, `refuses size ${cp.size} from ${oldSize}: it cosigned a different tree of size ${oldSize} (possible split view)`);
          return false;
        }
        await upsertWitnessSize(opts.sql, w.name, vkey, answer.size);
        oldSize = answer.size;
        continue;
      }
      const message = 'message' in answer ? answer.message : '';
      emit({ witness: w.name, size: cp.size, oldSize, status: answer.status, error: message });
      fail(w, `refused size ${cp.size} from ${oldSize} with ${answer.status}: ${message}`);
      return false;
    }
    fail(w, `its size kept changing while submitting size ${cp.size}`);
    return false;
  }

  async function round(): Promise<void> {
    const cp = await opts.latestCheckpoint();
    if (!cp) return;
    const body = parseNote(cp.note).text;
    await opts.sql.begin(async (tx) => {
      if (!(await tryCosigningLock(tx))) return; // another process runs this round
      const sizes = await selectWitnessSizes(opts.sql);
      const cosigned = new Map((await selectCosignatures(opts.sql, cp.size)).map((c) => [c.witness, c]));
      const now = Date.now();
      const due = opts.witnesses.witnesses.filter((w) => {
        if ((retryAt.get(w.name) ?? 0) > now) return false;
        const known = sizes.get(w.name);
        const c = cosigned.get(w.name);
        if (!known || known.size !== cp.size || !c || c.body !== body) return true;
        return now - c.receivedAt.getTime() >= opts.intervalMs;
      });
      const results = await Promise.all(
        due.map((w) => {
          const known = sizes.get(w.name);
          // A changed key is another witness as far as its state is concerned: start from 0
          // and let a 409 say where it stands.
          const size = known && known.vkey === formatVkey(w.verifier) ? known.size : 0;
          return cosignWith(w, cp, body, size);
        }),
      );
      // The decision only changes with a new cosignature (or, for quorum none, a new checkpoint).
      if (!firstRound && !results.some(Boolean) && policy.quorum !== null) return;
      firstRound = false;
      const decision = assembleServedNote(cp.note, await selectCosignatures(opts.sql, cp.size), policy, nowSeconds());
      if (decision.ok) await upsertServedCheckpoint(opts.sql, cp.size, decision.note);
      else if (results.some(Boolean)) log(`cosigning: size ${cp.size} is not served yet: ${decision.reason}`);
    });
  }

  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const runRound = (): Promise<void> =>
    round().catch((err) => {
      if (!stopped) log('cosigning: round failed', err);
    });
  const request = (): Promise<void> => {
    if (stopped) return current ?? Promise.resolve();
    if (queued) return queued;
    if (!current) {
      current = runRound().finally(() => {
        current = null;
      });
      return current;
    }
    queued = current.then(() => {
      queued = null;
      return request();
    });
    return queued;
  };

  const timer = setInterval(() => void request(), pollMs);
  timer.unref();
  void request();

  return {
    pokeNow: request,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      abort.abort();
      await (queued ?? current);
    },
  };
}
