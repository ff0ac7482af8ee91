// Test aid for the CLI against a real directory (test/helpers/service.ts): binds an address
// the way an owner does (VKS upload, request-verify, the mailed link, POST confirm) and waits
// until /api/v1/lookup serves it.
import type { TestService } from '../helpers/service.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Binds `email` (not bound before) to a new key; resolves once /api/v1/lookup serves it. */
export async function bindAddress(svc: TestService, email: string): Promise<TestKey> {
  const key = await makeKey([{ email }]);
  const post = (path: string, body: unknown) =>
    fetch(svc.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const up = await post('/vks/v1/upload', { keytext: key.armored });
  if (up.status !== 200) throw new Error(`upload: ${up.status} ${await up.text()}`);
  const { token } = await up.json();
  const rv = await post('/vks/v1/request-verify', { token, addresses: [email] });
  if (rv.status !== 200) throw new Error(`request-verify: ${rv.status} ${await rv.text()}`);
  const res = await fetch(await svc.linkFor(email), { method: 'POST', headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`confirm: ${res.status} ${await res.text()}`);
  await until(`${email} served`, async () => {
    const r = await fetch(`${svc.url}/api/v1/lookup?email=${encodeURIComponent(email)}`);
    await r.body?.cancel();
    return r.status === 200 ? true : undefined;
  });
  return key;
}
