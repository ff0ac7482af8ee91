import { randomBytes, hash, createHash } from 'node:crypto';
import { appendLeaves } from './log/tree-append.ts';
const leaves = Array.from({ length: 4096 }, () => randomBytes(32));
let st = { size: 1000064, nodes: [] as Uint8Array[] };
// make frontier valid
import { setBitHeights } from './log/tree-math.ts';
st.nodes = setBitHeights(st.size).map(() => randomBytes(32));
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  for (let k = 0; k < 10; k++) appendLeaves(st, leaves);
  console.log('appendLeaves 4096:', ((performance.now() - t) / 10).toFixed(2), 'ms');
}
const b = Buffer.alloc(65, 1);
let t = performance.now();
for (let i = 0; i < 40960; i++) hash('sha256', b, 'buffer');
console.log('hash 4096:', ((performance.now() - t) / 10).toFixed(2), 'ms');
t = performance.now();
for (let i = 0; i < 40960; i++) createHash('sha256').update(b).digest();
console.log('createHash 4096:', ((performance.now() - t) / 10).toFixed(2), 'ms');
