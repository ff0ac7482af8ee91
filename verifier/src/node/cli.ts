// glasskey-verify: the command-line client of @glasskey/verifier.
//   lookup <address> --server <url> [--policy <file> | --repin] [--state <dir>]
//   monitor --server <url> --address <a> --expect <cert file | fingerprint | sha256:hex>... ...
//   verify-evidence <file> --policy <file>
// main() returns the exit code; cli-main.ts runs it on the process (bin/glasskey-verify.js).
import { readFile } from 'node:fs/promises';
import { base64Encode } from '../format/bytes.ts';
import { VerificationError } from '../errors.ts';
import { parsePolicy } from '../client/policy.ts';
import { parseSplitViewEvidence, verifySplitViewEvidence } from '../client/split-view.ts';
import { optionReader, parseArgs, UsageError, type ParsedArgs } from './cli-args.ts';
import type { CliIo } from './cli-io.ts';
import { lookupCommand } from './cli-lookup.ts';
import { monitorCommand } from './cli-monitor.ts';

export const USAGE = `usage:
  glasskey-verify lookup <address> --server <url> [--policy <file> | --repin] [--state <dir>]
      Fetch the certificate bound to <address>, verify its proofs and print it (armored).
  glasskey-verify monitor --server <url> --address <a> --expect <x>... [--expect-unbind]
                          [--address <b> --expect <y>...] [--state <dir>] [--gossip <url>]...
                          [--webhook <url>] [--once | --interval <seconds>] [--json]
                          [--serve [host:]<port>] [--policy <file> | --repin]
      Watch the log for entries binding the addresses to certificates you do not expect.
      <x>: a certificate file (armored or binary; exactly as the directory serves it),
           a primary key fingerprint (40 or 64 hex digits: any certificate of that key),
           or sha256:<64 hex digits> (a certificate hash).
      --expect-unbind: unbind entries for the address before it are expected.
      --gossip: another source of the log's checkpoint (a witness or a monitor's --serve URL).
  glasskey-verify verify-evidence <file> --policy <file>
      Check split-view evidence saved by a client or monitor.

  --policy <file>: the log key, VRF key, witnesses and quorum to verify against.
  Without --policy, the policy the server serves is pinned on first use (trust on first use)
  and printed: compare its log key and VRF key with ones you got from the operator. Later runs
  use the pinned copy, and compare it with what the server serves: a different policy (a new
  witness, another key) is reported with both versions and never adopted by itself.
  --repin: adopt the policy the server serves now (after you checked it); the old copy is kept.
  State (heads, monitor progress, pinned policies, evidence) lives in --state, default
  $GLASSKEY_STATE or $XDG_STATE_HOME/glasskey-verify or ~/.local/state/glasskey-verify.
  Exit codes: 0 all is well; 1 error; 2 alert (monitor) or split view.
  GLASSKEY_VERIFY_THREADS: worker threads hashing for the monitor (default: cores-1, at most 4,
  from 3 cores on; 0: the main thread).
`;

const FLAGS = new Set(['once', 'json', 'expect-unbind', 'help', 'repin']);

async function verifyEvidenceCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const opts = optionReader(args, ['policy']);
  if (args.positionals.length !== 1) throw new UsageError('verify-evidence takes one evidence file');
  const policy = parsePolicy(await readFile(opts.required('policy'), 'utf8'));
  try {
    const evidence = parseSplitViewEvidence(await readFile(args.positionals[0], 'utf8'));
    const v = verifySplitViewEvidence(evidence, policy);
    io.stdout.write(
      `split view proven: ${v.origin} signed size ${v.first.size} with root ${base64Encode(v.first.root)}, ` +
        `but its checkpoint of size ${v.second.size} has root ${base64Encode(v.firstRootInSecond)} at that size (${v.kind})\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    io.stderr.write(`glasskey-verify: not valid evidence [${e.code}]: ${e.message}\n`);
    return 1;
  }
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv, FLAGS);
    if (args.command === undefined || args.command === 'help' || args.options.some(([n]) => n === 'help')) {
      (args.command === undefined ? io.stderr : io.stdout).write(USAGE);
      return args.command === undefined ? 1 : 0;
    }
    switch (args.command) {
      case 'lookup':
        return await lookupCommand(args, io);
      case 'monitor':
        return await monitorCommand(args, io);
      case 'verify-evidence':
        return await verifyEvidenceCommand(args, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof VerificationError && e.code === 'bad-address')) {
      io.stderr.write(`glasskey-verify: ${e.message}\n\n${USAGE}`);
      return 1;
    }
    io.stderr.write(`glasskey-verify: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Runs main on this process: argv, streams, SIGINT/SIGTERM as the stop signal. */
export async function runCli(): Promise<number> {
  let stop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
  return main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stopSignal });
}
