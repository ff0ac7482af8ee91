// Worker thread of the lookup benchmark's directory builder (lookup-directory.ts): makes real
// OpenPGP certificates with openpgp, cleans each with the server's loadCertificate, cuts the
// bytes served for each of its addresses with certificateForAddress, and proves each address's
// VRF identity with the log's vrfProve. CPU only; the main thread writes the database.
import { parentPort } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { addressAlpha } from '@glasskey/verifier';
import { vrfProve } from '../../log/vrf.ts';
import { certificateKeyIds } from '../../server/openpgp/keyids.ts';
import { certificateForAddress } from '../../server/openpgp/filter.ts';
import { loadCertificate } from '../../server/openpgp/load.ts';

export interface CertificateJob {
  addresses: string[];
}

export interface BuiltCertificate {
  fingerprint: string;
  version: number;
  /** The cleaned certificate with all its user IDs (certificates.data). */
  data: Uint8Array;
  revoked: boolean;
  expires: Date | null;
  keys: { fingerprint: string; keyId: string }[];
  addresses: { address: string; served: Uint8Array; identity: Uint8Array; vrfProof: Uint8Array }[];
}

export interface WorkerRequest {
  vrfSecretKey: Uint8Array;
  jobs: CertificateJob[];
}

async function build(vrfSecretKey: Uint8Array, job: CertificateJob): Promise<BuiltCertificate> {
  const { publicKey } = await openpgp.generateKey({
    userIDs: job.addresses.map((email, i) => ({ name: `Bench User ${i}`, email })),
    type: 'ecc',
    curve: 'ed25519Legacy',
    format: 'armored',
  });
  const clean = await loadCertificate(publicKey);
  return {
    fingerprint: clean.fingerprint,
    version: clean.version,
    data: clean.binary,
    revoked: clean.revoked,
    expires: clean.expires,
    keys: certificateKeyIds(clean).map((k) => ({ fingerprint: k.fingerprint, keyId: k.keyId })),
    addresses: job.addresses.map((address) => {
      const { output, proof } = vrfProve(vrfSecretKey, addressAlpha(address));
      return { address, served: certificateForAddress(clean, address), identity: output, vrfProof: proof };
    }),
  };
}

parentPort!.on('message', async (req: WorkerRequest) => {
  try {
    const out: BuiltCertificate[] = [];
    for (const job of req.jobs) out.push(await build(req.vrfSecretKey, job));
    parentPort!.postMessage({ ok: true, certificates: out });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
});
