import { generateBindings } from '../test/bench/lookup-directory.ts';
const t = performance.now();
const g = await generateBindings(100000, (m) => console.log(new Date().toISOString(), m));
console.log('done', g.cached, (performance.now() - t) / 1000, 's');
