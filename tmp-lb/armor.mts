import { armorCertificate } from '../server/openpgp/serialize.ts';
import { deserialize } from 'node:v8';
import { readFileSync } from 'node:fs';
const g = deserialize(readFileSync('/tmp/glasskey-bench-cache/lookup-v1-2000.v8')) as any;
const served = g.certificates[0].addresses[0].served;
console.log(JSON.stringify(armorCertificate(served)));
