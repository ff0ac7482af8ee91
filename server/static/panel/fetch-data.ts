// Same-origin requests the panel makes: the log's policy, the lookup with its proof, and
// consistency proofs between checkpoints (for the HeadStore). The HTTP cache applies as the
// server says (the policy may be cached a few minutes; lookups never are). Every non-200
// answer is a PanelFailure naming the request.
import { base64Decode, parsePolicy, type LookupResponse, type Policy } from '@glasskey/verifier';
import { asFailure, PanelFailure, type PanelStep } from './failure.ts';

async function get(step: PanelStep, path: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path);
  } catch (err) {
    throw new PanelFailure(step, 'network', `could not fetch ${path}: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw new PanelFailure(step, `http-${res.status}`, `${path} answered ${res.status}`);
  return res;
}

export async function fetchPolicy(): Promise<Policy> {
  const text = await (await get('policy', '/api/v1/policy')).text();
  try {
    return parsePolicy(text);
  } catch (err) {
    throw asFailure('policy', err);
  }
}

export async function fetchLookup(email: string): Promise<LookupResponse> {
  const res = await get('fetch', `/api/v1/lookup?email=${encodeURIComponent(email)}`);
  try {
    return (await res.json()) as LookupResponse;
  } catch {
    throw new PanelFailure('fetch', 'bad-json', 'the lookup answer is not JSON');
  }
}

export async function fetchConsistency(oldSize: number, newSize: number): Promise<Uint8Array[]> {
  const res = await get('history', `/api/v1/proof/consistency?old=${oldSize}&new=${newSize}`);
  const body = (await res.json()) as { proof?: unknown };
  if (!Array.isArray(body.proof)) throw new PanelFailure('history', 'bad-json', 'the consistency proof answer has no proof list');
  return body.proof.map((h) => base64Decode(String(h), 'consistency proof hash'));
}
