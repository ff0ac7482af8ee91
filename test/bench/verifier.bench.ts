// placeholder
import type { BenchModule } from './bench-types.ts';
const bench: BenchModule = { name: 'verifier', run: async () => [] };
export default bench;
