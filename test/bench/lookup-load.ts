// The load generator of the lookup benchmark, run as its own process (so it does not share an
// event loop with the server): autocannon against one path template, every request for an
// address drawn at random from a file (one address a line). Prints one JSON object on stdout.
//
//   node --import tsx test/bench/lookup-load.ts <url> <template> <addresses file> <connections> <seconds>
//
// <template> holds {address}, replaced by the URL-encoded address, e.g. /api/v1/lookup?email={address}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// autocannon ships no types; the little of its API used here.
interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  duration: number;
  latency: Histogram;
  requests: { total: number };
  throughput: { total: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface RequestParams {
  path?: string;
  [key: string]: unknown;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: { method: string; setupRequest: (req: RequestParams) => RequestParams }[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Requests per second (2xx only). */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerResponse: number;
}

async function main() {
  const [url, template, file, connections, seconds] = process.argv.slice(2);
  const paths = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((a) => template.replace('{address}', encodeURIComponent(a)));
  const result = await autocannon({
    url,
    connections: Number(connections),
    duration: Number(seconds),
    timeout: 30,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }),
      },
    ],
  });
  const ok = result['2xx'];
  const out: LoadResult = {
    requests: ok,
    seconds: result.duration,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
