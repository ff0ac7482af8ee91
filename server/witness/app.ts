// The witness's HTTP interface (c2sp.org/tlog-witness v1.0.0), with one prefix for submission
// and monitoring:
//   POST /add-checkpoint          -> 200 cosignature line(s) | 400 | 403 | 404 | 409 | 413 | 422
//   GET  /<origin hash>/checkpoint -> 200 latest cosigned checkpoint | 404
//   GET  /                         -> the witness's name and vkey, and the logs it witnesses
// Errors are plain text: one line saying what was wrong. A 409 body is the witness's size and
// a newline, with Content-Type text/x.tlog.size, as the spec requires.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { addCheckpoint, type AddCheckpointDeps } from './add-checkpoint.ts';
import { WitnessError } from './errors.ts';
import { ORIGIN_HASH_PATTERN } from './origin-hash.ts';
import { selectCosignedNote } from './state-queries.ts';

/** Largest accepted add-checkpoint body: 63 proof lines and a note with up to 100 signatures fit easily. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface WitnessAppDeps extends AddCheckpointDeps {
  maxBodyBytes?: number;
}

const TEXT = 'text/plain; charset=utf-8';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function errorResponse(c: Context, err: unknown, log: AddCheckpointDeps['log']): Response {
  if (err instanceof WitnessError) {
    if (err.status === 409 && err.size !== undefined)
      return c.body(`${err.size}\n`, 409, { 'content-type': 'text/x.tlog.size' });
    return c.body(`${err.message}\n`, err.status, { 'content-type': TEXT });
  }
  (log ?? console.error)(`witness: ${c.req.method} ${c.req.path} failed`, err);
  return c.body('internal error\n', 500, { 'content-type': TEXT });
}

export function createWitnessApp(deps: WitnessAppDeps): Hono {
  const app = new Hono();
  const maxSize = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.post(
    '/add-checkpoint',
    bodyLimit({
      maxSize,
      onError: (c) => c.body(`request body is larger than ${maxSize} bytes\n`, 413, { 'content-type': TEXT }),
    }),
    async (c) => {
      try {
        let text: string;
        try {
          text = UTF8.decode(await c.req.arrayBuffer());
        } catch {
          throw new WitnessError(400, 'malformed-request', 'the request body is not valid UTF-8');
        }
        const result = await addCheckpoint(deps, text);
        return c.body(result.cosignatures, 200, { 'content-type': TEXT });
      } catch (err) {
        return errorResponse(c, err, deps.log);
      }
    },
  );
  app.all('/add-checkpoint', (c) => c.body('add-checkpoint takes POST\n', 405, { 'content-type': TEXT, allow: 'POST' }));

  app.get('/:hash/checkpoint', async (c) => {
    const hash = c.req.param('hash');
    const note = ORIGIN_HASH_PATTERN.test(hash) ? await selectCosignedNote(deps.sql, hash) : null;
    if (note === null) return c.body('this witness has not cosigned a checkpoint for that origin hash\n', 404, { 'content-type': TEXT });
    return c.body(note, 200, { 'content-type': TEXT, 'cache-control': 'no-cache' });
  });

  app.get('/', (c) => {
    const lines = [`witness ${deps.signer.name}`, `vkey ${deps.signer.vkey}`];
    for (const log of deps.logs.values()) lines.push(`log ${log.origin}`);
    return c.body(lines.join('\n') + '\n', 200, { 'content-type': TEXT });
  });

  app.notFound((c) => c.body('not found\n', 404, { 'content-type': TEXT }));
  app.onError((err, c) => errorResponse(c, err, deps.log));
  return app;
}
