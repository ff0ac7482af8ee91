import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const total = p.samples.length;
const self = new Map();
for (const n of p.nodes) {
  const c = counts.get(n.id) ?? 0;
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, '').replace(/.*\/work\/main\//, '')}:${cf.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + c);
}
// inclusive
const parent = new Map();
for (const n of p.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
const incl = new Map();
for (const [id, c] of counts) {
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const n = byId.get(cur);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, '').replace(/.*\/work\/main\//, '')}:${cf.lineNumber}`;
    if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + c); }
    cur = parent.get(cur);
  }
}
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}% ${k}`).join('\n');
console.log('SELF\n' + top(self, Number(process.argv[3] ?? 30)));
console.log('\nINCLUSIVE\n' + top(incl, Number(process.argv[4] ?? 50)));
