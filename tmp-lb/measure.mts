import { vrfKeygen, vrfProve } from '/work/main/log/vrf.ts';
import { addressAlpha } from '@glasskey/verifier';
import * as openpgp from 'openpgp';
import { loadCertificate } from '/work/main/server/openpgp/load.ts';
import { certificateForAddress, armorCertificate } from '/work/main/server/openpgp/filter.ts';
const k = vrfKeygen();
let t = performance.now();
for (let i = 0; i < 200; i++) vrfProve(k.secretKey, addressAlpha(`user${i}@example.org`));
console.log('vrf ms each', (performance.now() - t) / 200);
for (const n of [1, 8, 32]) {
  t = performance.now();
  const uids = Array.from({ length: n }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.org` }));
  let pub = '';
  for (let r = 0; r < 5; r++) pub = (await openpgp.generateKey({ userIDs: uids, type: 'ecc', curve: 'ed25519Legacy', format: 'armored' })).publicKey;
  console.log('gen', n, 'ms each', (performance.now() - t) / 5);
  t = performance.now();
  let clean;
  for (let r = 0; r < 5; r++) clean = await loadCertificate(pub);
  console.log('load', n, 'ms each', (performance.now() - t) / 5);
  t = performance.now();
  let b;
  for (let r = 0; r < 1000; r++) b = certificateForAddress(clean!, 'user0@example.org');
  console.log('forAddress us', (performance.now() - t));
  t = performance.now();
  for (let r = 0; r < 1000; r++) armorCertificate(b!);
  console.log('armor us', (performance.now() - t), b!.length);
}
