import { generateBindings } from '../test/bench/lookup-directory.ts';
process.env.BENCH_LOOKUP_CACHE = '0';
const n = Number(process.argv[2] ?? 1280);
const t = performance.now();
const g = await generateBindings(n, console.log);
console.log('per address ms (wall)', (performance.now() - t) / n);
