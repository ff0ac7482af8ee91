// The OpenAPI document lists every API route the app serves (the protocol and JSON routes;
// the HTML pages and their static files are not an API), and the served document is valid
// JSON with the right server URL.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../server/app.ts';
import { openApiDocument } from '../../server/openapi.ts';
import { startTestService, type TestService } from '../helpers/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.close());

/** hono route paths -> OpenAPI path templates (:name -> {name}; the tile wildcards by hand). */
function templates(): Set<string> {
  const app = createApp(svc.services);
  const out = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    if (!/^\/(api|vks|pks|\.well-known|log|verify)\//.test(r.path)) continue;
    let p = r.path.replace(/:([a-z]+)/g, '{$1}');
    if (p === '/log/tile/*') {
      out.add('/log/tile/{level}/{index}');
      out.add('/log/tile/entries/{index}');
      continue;
    }
    out.add(`${r.method} ${p}`.replace(/^(GET|POST|PUT|DELETE) /, ''));
  }
  return out;
}

test('every route the app answers is in the OpenAPI document, and every documented path is a route', () => {
  const doc = openApiDocument('http://x');
  const documented = new Set(Object.keys(doc.paths));
  const routes = templates();
  for (const r of routes) expect(documented, `route ${r} is not documented`).toContain(r);
  for (const d of documented) expect(routes, `documented path ${d} has no route`).toContain(d);
});

test('GET /api/v1/openapi.json serves the document for this server', async () => {
  const res = await fetch(`${svc.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers[0].url).toBe(svc.config.publicUrl);
});
