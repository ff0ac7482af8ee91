import { RistrettoPoint, encodeToCurve } from '/work/main/verifier/src/vrf-suite.ts';
const x = 1234567891234567891234567891234567n;
const h = encodeToCurve(RistrettoPoint.BASE.toBytes(), new Uint8Array(10));
for (let i = 0; i < 100; i++) { h.multiply(x + BigInt(i)); h.multiplyUnsafe(x + BigInt(i)); }
let t = performance.now();
for (let i = 0; i < 300; i++) h.multiply(x + BigInt(i));
console.log('var mul', (performance.now() - t) / 300);
t = performance.now();
for (let i = 0; i < 300; i++) h.multiplyUnsafe(x + BigInt(i));
console.log('var mul unsafe', (performance.now() - t) / 300);
t = performance.now();
for (let i = 0; i < 300; i++) RistrettoPoint.BASE.multiply(x + BigInt(i));
console.log('base mul', (performance.now() - t) / 300);
t = performance.now();
for (let i = 0; i < 300; i++) h.toBytes();
console.log('toBytes', (performance.now() - t) / 300);
t = performance.now();
for (let i = 0; i < 300; i++) encodeToCurve(RistrettoPoint.BASE.toBytes(), new Uint8Array([i & 255, i >> 8]));
console.log('encode', (performance.now() - t) / 300);
