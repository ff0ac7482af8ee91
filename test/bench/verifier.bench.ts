// Benchmarks of the client side (@glasskey/verifier) in Node: inclusion proof verifications
// and full checkpoint verifications (log signature + 2 witness cosignatures under a policy
// with a quorum of 2, via openCheckpoint), against raw node:crypto Ed25519 verify and
// node:crypto SHA-256 in the same run.
import { createPublicKey, hash, randomBytes, verify as ed25519Verify } from 'node:crypto';
import { formatCheckpoint, leafHash, openCheckpoint, parsePolicy, verifyInclusion } from '@glasskey/verifier';
import { addSignatures, generateSigner, signNote } from '../../log/note-signer.ts';
import { ratePerSecond, type BenchContext, type BenchModule, type BenchRow } from './bench-types.ts';

const LEVELS = 20; // a perfect tree of 2^20 leaves: inclusion proofs of 20 hashes

/** A perfect Merkle tree of 2^LEVELS random entries, built with node:crypto, kept level by level. */
function buildTree() {
  const n = 2 ** LEVELS;
  const all = randomBytes(n * 102);
  const entries = Array.from({ length: n }, (_, i) => all.subarray(i * 102, (i + 1) * 102));
  const input = Buffer.alloc(1 + 102);
  let level = Buffer.allocUnsafe(n * 32);
  for (let i = 0; i < n; i++) {
    entries[i].copy(input, 1);
    hash('sha256', input, 'buffer').copy(level, i * 32);
  }
  const levels = [level];
  const node = Buffer.alloc(65, 1);
  for (let l = 1; l <= LEVELS; l++) {
    const below = levels[l - 1];
    const count = below.length / 64;
    level = Buffer.allocUnsafe(count * 32);
    for (let j = 0; j < count; j++) {
      below.copy(node, 1, j * 64, j * 64 + 64);
      hash('sha256', node, 'buffer').copy(level, j * 32);
    }
    levels.push(level);
  }
  const proof = (index: number) =>
    Array.from({ length: LEVELS }, (_, l) => {
      const sibling = Math.floor(index / 2 ** l) ^ 1;
      return new Uint8Array(levels[l].subarray(sibling * 32, sibling * 32 + 32));
    });
  return { entries, root: new Uint8Array(levels[LEVELS]), proof, size: n };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.log(`building a tree of 2^${LEVELS} entries for inclusion proofs`);
  const tree = buildTree();
  const samples = Array.from({ length: 1024 }, () => {
    const index = Math.floor(Math.random() * tree.size);
    return { index, leaf: leafHash(tree.entries[index]), proof: tree.proof(index) };
  });
  for (const s of samples.slice(0, 16)) verifyInclusion(s.index, tree.size, s.leaf, s.proof, tree.root);
  let k = 0;
  const inclusion = await ratePerSecond(3000, () => {
    const s = samples[k++ & 1023];
    verifyInclusion(s.index, tree.size, s.leaf, s.proof, tree.root);
  });
  const node = Buffer.alloc(65, 1);
  const sha20 = await ratePerSecond(2000, () => {
    for (let i = 0; i < LEVELS; i++) hash('sha256', node, 'buffer');
  });

  // Checkpoints: the log's signature plus two witness cosignatures, quorum 2 of 2.
  const origin = 'bench.glasskey.example';
  const log = generateSigner(origin);
  const w1 = generateSigner('witness-one.example', 0x04);
  const w2 = generateSigner('witness-two.example', 0x04);
  const body = formatCheckpoint({ origin, size: tree.size, root: tree.root });
  const note = addSignatures(signNote(body, [log]), [w1, w2]);
  const policy = parsePolicy(
    [`log ${log.vkey}`, `witness w1 ${w1.vkey}`, `witness w2 ${w2.vkey}`, 'group both 2 w1 w2', 'quorum both', ''].join('\n'),
  );
  const opened = openCheckpoint(note, policy);
  if (opened.cosignatures.length !== 2) throw new Error('expected two counting cosignatures');
  const checkpoints = await ratePerSecond(3000, () => openCheckpoint(note, policy));

  const publicKey = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(log.publicKey)]),
    format: 'der',
    type: 'spki',
  });
  const msg = Buffer.from(body);
  const sig = Buffer.from(log.sign(msg));
  if (!ed25519Verify(null, msg, publicKey, sig)) throw new Error('raw Ed25519 verify failed');
  const raw = await ratePerSecond(2000, () => ed25519Verify(null, msg, publicKey, sig));

  return [
    { name: `inclusion verifications (proofs of ${LEVELS} hashes)`, value: inclusion, unit: 'verifications/s', note: 'noble SHA-256' },
    { name: `baseline: node:crypto SHA-256 x ${LEVELS}`, value: sha20, unit: 'per s' },
    { name: 'ratio inclusion verify / node:crypto hashing', value: (100 * inclusion) / sha20, unit: '%' },
    { name: 'checkpoint verifications (openCheckpoint, 1 sig + 2 cosigs)', value: checkpoints, unit: 'checkpoints/s', note: 'noble Ed25519, policy quorum 2' },
    { name: 'baseline: raw node:crypto Ed25519 verify', value: raw, unit: 'verifies/s' },
    { name: 'ratio checkpoint / (raw Ed25519 / 3)', value: (100 * checkpoints * 3) / raw, unit: '%', note: '3 signatures per checkpoint' },
  ];
}

const bench: BenchModule = { name: 'verifier', run };
export default bench;
