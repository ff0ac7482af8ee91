// What the cross-origin rule (server/http/cross-origin.ts) costs every request: the same hono
// app (secure headers and one small JSON route on a read path) with and without readCors and
// crossSiteWriteGuard, requests made in process through app.fetch (no network, no database,
// so the middleware's share is as large as it can be), in the same run. A real lookup takes
// milliseconds; the figure to read is the microseconds added per request.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { crossSiteWriteGuard, readCors } from '../../server/http/cross-origin.ts';
import { type BenchContext, type BenchModule, type BenchRow } from './bench-types.ts';

function app(withRule: boolean) {
  const a = new Hono();
  if (withRule) a.use(readCors());
  a.use(secureHeaders());
  if (withRule) a.use(crossSiteWriteGuard('http://127.0.0.1:8080', () => false));
  a.get('/api/v1/lookup', (c) => c.json({ email: 'alice@example.org', entry: 'AQE=' }));
  return a;
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const plain = app(false);
  const ruled = app(true);
  const request = () => new Request('http://127.0.0.1:8080/api/v1/lookup?email=alice%40example.org', { headers: { origin: 'https://mail.example' } });
  const once = async (a: Hono) => {
    const res = await a.fetch(request());
    await res.arrayBuffer();
  };
  const check = await ruled.fetch(request());
  if (check.headers.get('access-control-allow-origin') !== '*') throw new Error('the rule did not apply');
  for (let i = 0; i < 20_000; i++) await once(i % 2 ? plain : ruled); // warm up both
  // Many rounds of a fixed number of requests each, alternating which app goes first, timed
  // by this process's CPU time (steadier than the wall clock on a shared machine); the medians
  // of the rounds are reported, so a burst of other work on the machine moves them little.
  const rounds = 40;
  const perRound = 2000;
  const cpuPerRequest = async (a: Hono) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < perRound; i++) await once(a);
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / perRound; // µs
  };
  const bases: number[] = [];
  const withs: number[] = [];
  const added: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 10 === 0) ctx.log(`cross-origin: round ${r + 1}/${rounds}`);
    const first = r % 2 === 0;
    const x = await cpuPerRequest(first ? plain : ruled);
    const y = await cpuPerRequest(first ? ruled : plain);
    const [base, withRule] = first ? [x, y] : [y, x];
    bases.push(base);
    withs.push(withRule);
    added.push(withRule - base);
  }
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  return [
    { name: 'GET on a read path, without the rule (baseline)', value: median(bases), unit: 'µs CPU/req', note: `in process, app.fetch; median of ${rounds} rounds of ${perRound}` },
    { name: 'GET on a read path, with readCors and crossSiteWriteGuard', value: median(withs), unit: 'µs CPU/req' },
    { name: 'with / without', value: median(withs) / median(bases), unit: 'ratio' },
    { name: 'CPU added per request', value: median(added), unit: 'µs', note: 'median of the rounds' },
  ];
}

const module: BenchModule = { name: 'cross-origin', run };
export default module;
