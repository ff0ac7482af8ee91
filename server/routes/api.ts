// The JSON API: lookups with proofs, history for monitors, the log's policy, consistency
// proofs for clients that do not read tiles, and removal requests.
import { Hono } from 'hono';
import { base64Encode } from '@glasskey/verifier';
import { consistencyProof } from '../../log/index.ts';
import { addressHistory } from '../directory/history.ts';
import { lookupWithProofJson } from '../directory/lookup.ts';
import { requestRemoval } from '../directory/verification.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp, jsonBody, stringField } from '../http/request.ts';
import { logPolicy } from '../policy.ts';
import { openApiDocument } from '../openapi.ts';
import type { Services } from '../services.ts';

function emailParam(value: string | undefined): string {
  if (!value) throw new ApiError(400, 'missing-email', 'the "email" query parameter is required');
  return value;
}

function sizeParam(name: string, value: string | undefined): number {
  if (value === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new ApiError(400, 'bad-size', `"${name}" must be a tree size (a decimal number)`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ApiError(400, 'bad-size', `"${name}" is too large`);
  return n;
}

export function apiRoutes(svc: Services) {
  const app = new Hono();

  app.get('/lookup', async (c) => {
    // The JSON text is made by lookupWithProofJson (what c.json would send, more cheaply).
    const found = await lookupWithProofJson(svc, emailParam(c.req.query('email')));
    if (found === null) return c.json({ error: 'no verified certificate for this address', code: 'not-found' }, 404);
    return c.body(found, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  app.get('/history', async (c) => c.json(await addressHistory(svc, emailParam(c.req.query('email'))), 200, { 'cache-control': 'no-store' }));

  app.get('/openapi.json', (c) => c.json(openApiDocument(svc.config.publicUrl)));

  app.get('/policy', (c) => c.text(logPolicy(svc), 200, { 'cache-control': 'public, max-age=300' }));

  app.get('/proof/consistency', async (c) => {
    const oldSize = sizeParam('old', c.req.query('old'));
    const newSize = sizeParam('new', c.req.query('new'));
    if (oldSize > newSize) throw new ApiError(400, 'bad-size', '"old" must not be larger than "new"');
    const served = await svc.checkpoint.current();
    if (newSize > served.size) throw new ApiError(400, 'bad-size', `"new" is larger than the served checkpoint (${served.size})`);
    const proof = await consistencyProof(svc.sql, oldSize, newSize);
    return c.json({ old: oldSize, new: newSize, proof: proof.map(base64Encode) });
  });

  app.post('/manage', async (c) => {
    const body = await jsonBody(c);
    await requestRemoval(svc, stringField(body, 'email'), clientIp(c, svc.config.trustProxy));
    return c.json({ status: 'if this address is bound, a removal link was mailed to it' }, 202);
  });

  return app;
}
