// The fake log server the monitor and CLI tests use is itself checked here: its roots and
// proofs equal the RFC 9162 reference tree's, its tiles and bundles are the tree's hashes and
// entries, and its lookups verify with verifyLookup.
import { expect, test } from 'vitest';
import { base64Encode, LogClient, splitEntryBundle, verifyLookup } from '@glasskey/verifier';
import { nodeHttpGet } from '@glasskey/verifier/node';
import { referenceConsistencyProof, referenceInclusionProof, referenceLeafHash, referenceRoot } from '../helpers/reference-tree.ts';
import { FakeLog, startFakeServer } from './monitor-fake-server.ts';

const b64 = (hs: Uint8Array[]) => hs.map(base64Encode);

test('roots and proofs equal the reference tree at many sizes', () => {
  const log = new FakeLog();
  log.appendRandom(70);
  const leaves = Array.from({ length: log.size }, (_, i) => referenceLeafHash(log.entry(i)));
  for (let n = 0; n <= 70; n++) {
    expect(base64Encode(log.root(n))).toBe(base64Encode(referenceRoot(leaves, n)));
    for (let m = 0; m <= n; m += 7) expect(b64(log.consistencyProof(m, n))).toEqual(b64(referenceConsistencyProof(leaves, m, n)));
    for (let i = 0; i < n; i += 5) expect(b64(log.inclusionProof(i, n))).toEqual(b64(referenceInclusionProof(leaves, i, n)));
  }
});

test('tiles over HTTP are the leaf hashes and entries; lookups verify', async () => {
  const log = new FakeLog();
  log.appendRandom(300);
  const cert = new Uint8Array([0x99, 0, 1, 2]);
  const index = log.bind('alice@example.org', cert);
  log.publish();
  const server = await startFakeServer(log);
  const get = nodeHttpGet();
  try {
    const client = new LogClient(server.url, get);
    const tile = await client.hashTile(0, 1, log.size - 256);
    expect(base64Encode(tile.subarray(0, 32))).toBe(base64Encode(referenceLeafHash(log.entry(256))));
    const bundle = await client.entryBundle(0, 256);
    expect(bundle.length).toBe(256);
    expect(base64Encode(bundle[7])).toBe(base64Encode(log.entry(7)));
    expect(splitEntryBundle(log.entryBundle(1, 45)!).length).toBe(45);
    const response = await client.lookup('alice@example.org');
    expect(verifyLookup(response!, log.policy, 'alice@example.org').index).toBe(index);
    expect(await client.lookup('nobody@example.org')).toBeNull();
  } finally {
    get.close();
    await server.close();
  }
});
