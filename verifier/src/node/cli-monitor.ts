// `glasskey-verify monitor --server <url> --address <a> --expect <certificate file | fingerprint
// | sha256:<hex>>... [--expect-unbind] [--address ...] [--state <dir>] [--gossip <url>...]
// [--webhook <url>] [--once | --interval <s>] [--json] [--serve <[host:]port>] [--policy <file> | --repin]`
// Runs the Monitor (verifier/src/monitor.ts) once or every <s> seconds. Without --policy it
// verifies under the pinned policy and compares it, at start and before every pass, with the
// one the server serves: a difference is reported (stderr; a JSON line with --json), never
// adopted; --repin adopts it. Output: human lines on
// stdout (warnings on stderr, a progress bar on a terminal while scanning), or JSON lines with
// --json. Alerts are also POSTed as JSON to the webhook. Exit: 2 if an alert was raised, 1 on an
// error, 0 when all is well (with --interval: when stopped by SIGINT/SIGTERM).
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeAddress } from '../format/address.ts';
import { dearmor } from '../format/armor.ts';
import { hexDecode } from '../format/bytes.ts';
import { VerificationError } from '../errors.ts';
import { HeadStore } from '../client/head-store.ts';
import { LogClient } from '../client/log-client.ts';
import { Monitor, type MonitorRunResult } from '../monitor/monitor.ts';
import type { MonitorAlert, MonitorEvent } from '../monitor/monitor-alerts.ts';
import type { WatchedAddress } from '../monitor/monitor-watch.ts';
import { parseFingerprint } from '../format/openpgp-fingerprint.ts';
import { optionReader, UsageError, type ParsedArgs } from './cli-args.ts';
import type { CliIo } from './cli-io.ts';
import { serveCheckpoint, type CheckpointServer } from './checkpoint-server.ts';
import { jsonFileStorage } from './file-storage.ts';
import { nodeHttpGet, postJson } from './node-http.ts';
import { nodeSha256 } from './node-sha256.ts';
import { workerBundleHasher } from './worker-bundle-hasher.ts';
import { ProgressBar } from './progress-bar.ts';
import { defaultStateDir, fetchServedPolicy, headsPath, loadPolicy, monitorStatePath, policyChange, saveEvidence } from './state-dir.ts';
import { policyChangeJson, policyChangeReport, servedKey, type PolicyChange } from './policy-change.ts';

const OPTIONS = ['server', 'policy', 'repin', 'state', 'address', 'expect', 'expect-unbind', 'gossip', 'webhook', 'once', 'interval', 'json', 'serve'];

type Watch = WatchedAddress & { certificateHashes: Uint8Array[]; fingerprints: Uint8Array[] };

async function addExpectation(w: Watch, value: string): Promise<void> {
  if (existsSync(value) && statSync(value).isFile()) {
    const bytes = new Uint8Array(await readFile(value));
    const text = new TextDecoder().decode(bytes.subarray(0, 64));
    let cert: Uint8Array = bytes;
    if (text.trimStart().startsWith('-----BEGIN PGP')) {
      const armored = dearmor(new TextDecoder().decode(bytes));
      if (armored.type !== 'PUBLIC KEY BLOCK') throw new UsageError(`--expect ${value}: not a public key block`);
      cert = armored.data;
    }
    w.certificateHashes.push(sha256(cert));
    return;
  }
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(value);
  if (m) {
    w.certificateHashes.push(hexDecode(m[1].toLowerCase()));
    return;
  }
  try {
    w.fingerprints.push(parseFingerprint(value));
  } catch {
    throw new UsageError(`--expect ${value}: not a certificate file, a fingerprint (40 or 64 hex digits) or sha256:<64 hex digits>`);
  }
}

export async function parseWatch(options: ParsedArgs['options']): Promise<Watch[]> {
  const list: Watch[] = [];
  let current: Watch | undefined;
  for (const [name, value] of options) {
    if (name === 'address') {
      current = { address: normalizeAddress(String(value)), certificateHashes: [], fingerprints: [], allowUnbind: false };
      list.push(current);
    } else if (name === 'expect' || name === 'expect-unbind') {
      if (!current) throw new UsageError(`--${name} must follow the --address it is for`);
      if (name === 'expect') await addExpectation(current, String(value));
      else current.allowUnbind = true;
    }
  }
  if (list.length === 0) throw new UsageError('--address is required');
  for (const w of list)
    if (w.certificateHashes.length + w.fingerprints.length === 0 && !w.allowUnbind)
      throw new UsageError(`--address ${w.address} needs at least one --expect (or --expect-unbind)`);
  return list;
}

function parseServe(value: string): { host?: string; port: number } {
  const m = /^(?:(.+):)?([0-9]{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--serve ${value}: expected [host:]port`);
  return { host: m[1]?.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

class Output {
  private bar: ProgressBar | null = null;
  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  private line(obj: Record<string, unknown>, human: string | null, toStderr = false): void {
    this.clearBar();
    if (this.json) this.io.stdout.write(JSON.stringify(obj) + '\n');
    else if (human !== null) (toStderr ? this.io.stderr : this.io.stdout).write(human + '\n');
  }

  private clearBar(): void {
    this.bar?.done();
  }

  alert(a: MonitorAlert, evidencePath?: string): void {
    const extra = evidencePath ? `\n  evidence saved in ${evidencePath}` : '';
    this.line({ type: 'alert', ...a, ...(evidencePath ? { evidencePath } : {}) }, `ALERT ${a.kind}: ${a.message}${extra}`);
  }

  event(e: MonitorEvent): void {
    switch (e.type) {
      case 'progress': {
        const total = e.target - e.start;
        if (!this.json && this.io.stderr.isTTY && total >= 10_000) {
          this.bar ??= new ProgressBar(this.io.stderr as NodeJS.WriteStream, 'scanning', total);
          this.bar.update(e.position - e.start);
        }
        if (this.json && e.saved) this.line(e, null);
        return;
      }
      case 'entry': {
        const key = e.fingerprint ? `, key ${e.fingerprint.toUpperCase()}` : '';
        return this.line(e, `seen: ${e.address} ${e.action} at index ${e.index} (version ${e.version}), expected${key}`);
      }
      case 'verified':
        this.bar = null;
        return this.line(e, `verified ${e.origin} up to size ${e.size} (${e.size - e.previousSize} new entries)`);
      case 'gossip':
        return this.line(e, `gossip ${e.source}: size ${e.size}, ${e.result}`);
      case 'warning':
        return this.line(e, `warning: ${e.message}`, true);
    }
  }

  summary(origin: string, r: MonitorRunResult): void {
    for (const d of r.deliveryErrors) this.line({ type: 'error', message: `delivery failed: ${d}` }, `glasskey-verify: delivery failed: ${d}`, true);
    if (r.blocked) this.line({ type: 'error', message: `cannot advance: ${r.blocked}` }, `glasskey-verify: cannot advance: ${r.blocked}`, true);
    const alerts = r.alerts.length + r.undelivered.length;
    const state = r.stopped ? 'stopped mid-scan' : alerts > 0 ? `${alerts} alert(s)` : r.blocked ? 'blocked' : 'ok';
    this.line(
      { type: 'summary', origin, verifiedSize: r.verifiedSize, scanned: r.scanned, alerts: r.alerts.length, undelivered: r.undelivered.length, stopped: r.stopped, blocked: r.blocked },
      `${state}: ${origin} verified up to size ${r.verifiedSize}, ${r.scanned} entries scanned in this run`,
    );
  }

  /** The human report on stderr; with --json also the change as a JSON line. */
  policyChanged(c: PolicyChange): void {
    this.clearBar();
    this.io.stderr.write(policyChangeReport(c) + '\n');
    if (this.json) this.io.stdout.write(JSON.stringify(policyChangeJson(c)) + '\n');
  }

  error(e: unknown): void {
    const code = e instanceof VerificationError ? e.code : undefined;
    const message = (e as Error).message ?? String(e);
    this.line({ type: 'error', message, ...(code ? { code } : {}) }, `glasskey-verify: monitor error${code ? ` [${code}]` : ''}: ${message}`, true);
  }
}

export async function monitorCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const opts = optionReader(args, OPTIONS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const watch = await parseWatch(args.options);
  const server = opts.required('server');
  const once = opts.flag('once');
  const intervalText = opts.one('interval');
  if (once && intervalText !== undefined) throw new UsageError('--once and --interval exclude each other');
  const interval = intervalText === undefined ? undefined : Number(intervalText);
  if (interval !== undefined && !(interval > 0)) throw new UsageError('--interval takes a positive number of seconds');
  const serveText = opts.one('serve');
  if (serveText !== undefined && interval === undefined) throw new UsageError('--serve needs --interval (a monitor that exits cannot serve)');
  const json = opts.flag('json');
  const webhook = opts.one('webhook');
  const stateDir = opts.one('state') ?? defaultStateDir(io.env);
  const out = new Output(io, json);

  const get = nodeHttpGet();
  // Hashing on worker threads pays (copies, messages) only with cores to spare: from 3 cores on,
  // cores-1 threads (at most 4); GLASSKEY_VERIFY_THREADS sets the number (0: the main thread).
  const threadsEnv = io.env.GLASSKEY_VERIFY_THREADS;
  const threads = threadsEnv !== undefined && /^[0-9]+$/.test(threadsEnv) ? Number(threadsEnv) : Math.min(4, availableParallelism() - 1);
  const hasher = threads >= (threadsEnv !== undefined ? 1 : 2) ? workerBundleHasher(threads) : undefined;
  let served: CheckpointServer | undefined;
  try {
    const client = new LogClient(server, get);
    let monitor: Monitor;
    let origin: string;
    // Without --policy, before every pass after the first: is the server's policy still the
    // pinned one? Each new version it serves is reported once.
    let checkServedPolicy: (() => Promise<void>) | undefined;
    try {
      const policyFile = opts.one('policy');
      const loaded = await loadPolicy(policyFile, client, stateDir, { repin: opts.flag('repin') });
      if (loaded.change) out.policyChanged(loaded.change);
      else if (loaded.notice) io.stderr.write(loaded.notice + '\n');
      if (policyFile === undefined) {
        let reported = loaded.change ? servedKey(loaded.change.served) : null;
        checkServedPolicy = async () => {
          const current = await fetchServedPolicy(client);
          const change = current && policyChange(client.serverUrl, loaded.source, loaded.policy, current.served);
          if (!change) reported = null;
          else if (servedKey(change.served) !== reported) {
            reported = servedKey(change.served);
            out.policyChanged(change);
          }
        };
      }
      origin = loaded.policy.log.verifier.name;
      monitor = new Monitor({
        client,
        policy: loaded.policy,
        watch,
        storage: jsonFileStorage(monitorStatePath(stateDir)),
        headStore: new HeadStore(jsonFileStorage(headsPath(stateDir))),
        gossip: opts.all('gossip'),
        sha256: nodeSha256,
        hashBundle: hasher?.hash,
        onEvent: (e) => out.event(e),
        deliver: async (alert) => {
          const path = alert.evidence ? await saveEvidence(stateDir, alert.evidence) : undefined;
          out.alert(alert, path);
          if (webhook) await postJson(webhook, { type: 'alert', ...alert });
        },
      });
      if (serveText !== undefined) {
        const { host, port } = parseServe(serveText);
        await monitor.loadLatest();
        served = await serveCheckpoint(loaded.policy.log.verifier.name, () => monitor.latestVerified(), port, host);
        io.stderr.write(`glasskey-verify: serving the latest verified checkpoint at ${served.url}/checkpoint\n`);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      out.error(e);
      return 1;
    }
    let alerted = false;
    let failed = false;
    let stopped = false;
    io.stopSignal?.then(() => (stopped = true));
    for (let pass = 0; ; pass++) {
      try {
        if (pass > 0) await checkServedPolicy?.();
        const r = await monitor.runOnce();
        out.summary(origin, r);
        if (r.alerts.length + r.undelivered.length > 0) alerted = true;
        failed = r.deliveryErrors.length > 0 || r.blocked !== null;
      } catch (e) {
        out.error(e);
        failed = true;
      }
      if (interval === undefined || stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval * 1000);
        io.stopSignal?.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (stopped) break;
    }
    return alerted ? 2 : failed ? 1 : 0;
  } finally {
    await served?.close();
    await hasher?.close();
    get.close();
  }
}
