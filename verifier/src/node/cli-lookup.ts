// `glasskey-verify lookup <address> --server <url> [--policy <file> | --repin] [--state <dir>]`: fetches
// the address's certificate with its proofs, verifies everything (policy, checkpoint signatures
// and cosignatures, VRF, entry, certificate hash, inclusion, and consistency with the head this
// client verified before, through the state directory's HeadStore), then prints the armored
// certificate on stdout and one summary line on stderr. Exit 0 verified; 1 any failure;
// 2 split view (the evidence is saved in the state directory). Without --policy the pinned
// policy is used (state-dir.ts loadPolicy): pinned on first use, a different one served later
// is reported and not followed, --repin adopts it.
import { enarmor } from '../format/armor.ts';
import { hexEncode } from '../format/bytes.ts';
import { normalizeAddress } from '../format/address.ts';
import { VerificationError } from '../errors.ts';
import { HeadStore } from '../client/head-store.ts';
import { LogClient } from '../client/log-client.ts';
import { verifyLookup } from '../client/lookup.ts';
import { formatFingerprint, primaryKeyFingerprint } from '../format/openpgp-fingerprint.ts';
import { SplitViewError } from '../client/split-view.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { optionReader, UsageError, type ParsedArgs } from './cli-args.ts';
import type { CliIo } from './cli-io.ts';
import { jsonFileStorage } from './file-storage.ts';
import { nodeHttpGet } from './node-http.ts';
import { defaultStateDir, headsPath, loadPolicy, saveEvidence } from './state-dir.ts';

export async function lookupCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const opts = optionReader(args, ['server', 'policy', 'state', 'repin']);
  if (args.positionals.length !== 1) throw new UsageError('lookup takes exactly one address');
  const address = normalizeAddress(args.positionals[0]);
  const server = opts.required('server');
  const stateDir = opts.one('state') ?? defaultStateDir(io.env);
  const get = nodeHttpGet();
  try {
    const client = new LogClient(server, get);
    const loaded = await loadPolicy(opts.one('policy'), client, stateDir, { repin: opts.flag('repin') });
    if (loaded.notice) io.stderr.write(loaded.notice + '\n');
    const response = await client.lookup(address);
    if (response === null) {
      io.stderr.write(`glasskey-verify: ${server} has no certificate bound to ${address}\n`);
      return 1;
    }
    const headStore = new HeadStore(jsonFileStorage(headsPath(stateDir)));
    const before = await headStore.head(loaded.policy.log.verifier.name);
    let verified;
    try {
      verified = await verifyLookup(response, loaded.policy, address, undefined, {
        headStore,
        consistencyProof: (a, b) => client.consistencyProof(a, b),
      });
    } catch (e) {
      if (e instanceof SplitViewError) {
        const path = await saveEvidence(stateDir, e.evidence);
        io.stderr.write(`glasskey-verify: SPLIT VIEW: ${e.message}. Evidence saved in ${path}\n`);
        return 2;
      }
      throw e;
    }
    io.stdout.write(enarmor('PUBLIC KEY BLOCK', verified.certificate));
    const cp = verified.checkpoint;
    let key = '';
    try {
      key = `, key ${formatFingerprint(primaryKeyFingerprint(verified.certificate).fingerprint)}`;
    } catch {
      // an unusual first packet: the certificate is still the one the log commits to
    }
    const witnesses = cp.cosignatures.length > 0 ? `cosigned by ${cp.cosignatures.map((c) => c.witness).join(', ')}` : 'no cosignatures required';
    const head = before
      ? before.size === cp.size
        ? `same checkpoint as seen before`
        : `consistent with the size ${before.size} seen before`
      : `first checkpoint seen for this log, kept in ${stateDir}`;
    io.stderr.write(
      `glasskey-verify: verified ${address}: certificate sha256:${hexEncode(sha256(verified.certificate))}${key}, ` +
        `entry ${verified.index} (version ${verified.entry.version}) in ${cp.origin} at size ${cp.size}, ${witnesses}; ${head}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = e instanceof VerificationError ? ` [${e.code}]` : '';
    io.stderr.write(`glasskey-verify: lookup of ${address} failed${code}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    get.close();
  }
}
