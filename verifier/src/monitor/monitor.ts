// The monitor: watches addresses in a log and reports what their owners must know. One run:
//  1. resolve each watched address (history + VRF proof -> identity; fingerprints -> the
//     certificate hashes they cover);
//  2. deliver alerts a previous run raised but could not deliver;
//  3. fetch /log/checkpoint and open it under the policy (a stale one is an alert, and is
//     still followed);
//  4. finish a scan a killed run left, then scan from the verified edge to the checkpoint:
//     every entry's leaf hash against the tiles, the tree rebuilt to the checkpoint root
//     (monitor-scan.ts). Only when the root matches are the entries for watched identities
//     judged (rogue key, unexpected unbind) and the new edge, alerts and head written, in one
//     state write. A root that does not match is a split view (if the tiles prove another
//     prefix) or tampering;
//  5. compare with the HeadStore (shared with lookups) and each gossip source through it.
// Browser-safe: storage, HTTP and SHA-256 come from the caller.
import type { BundleHasher } from '../proof/bundle-hasher.ts';
import { base64Decode, base64Encode, bytesEqual, hexEncode } from '../format/bytes.ts';
import { CompactRange } from '../proof/compact-range.ts';
import { decodeEntry, ENTRY_SIZE } from '../format/entry.ts';
import { PolicyError } from '../errors.ts';
import { getText, type HttpGet } from '../client/http-get.ts';
import type { HeadStore } from '../client/head-store.ts';
import type { LogClient } from '../client/log-client.ts';
import type { AlertKind, MonitorAlert, MonitorEvent } from './monitor-alerts.ts';
import { gossipCheckpointUrl } from './monitor-gossip.ts';
import { scanToSize, TileMismatchError } from './monitor-scan.ts';
import { loadMonitorState, saveMonitorState, type MonitorState, type ScanMatch } from './monitor-state.ts';
import { judgeCertificate, refreshWatch, resolveWatch, type ResolvedWatch, type WatchedAddress } from './monitor-watch.ts';
import { openCheckpoint, type OpenedCheckpoint } from '../client/open-checkpoint.ts';
import type { Policy } from '../client/policy.ts';
import { nobleSha256, type Sha256Function } from '../proof/sha256-function.ts';
import { findSplitViewEvidence, readSignedCheckpoint, SplitViewError, type SignedCheckpoint, type SplitViewEvidence } from '../client/split-view.ts';
import type { KeyValueStorage } from '../client/storage.ts';
import { tileProofSource } from '../proof/tile-hash-reader.ts';
import { formatVkey } from '../format/vkey.ts';

export interface MonitorOptions {
  client: LogClient;
  policy: Policy;
  watch: readonly WatchedAddress[];
  /** Where the monitor state lives (one record per origin). */
  storage: KeyValueStorage;
  /** The client's heads; shared with lookups when they use the same storage. */
  headStore: HeadStore;
  /** Gossip source URLs (see monitor-gossip.ts); the policy's witness URLs are added. */
  gossip?: readonly string[];
  /** HTTP for gossip sources; default the client's. */
  gossipGet?: HttpGet;
  sha256?: Sha256Function;
  /** Hashes entry bundles (default: in this thread with sha256); see bundle-hasher.ts. */
  hashBundle?: BundleHasher;
  /** Unix seconds; default Date.now() / 1000. */
  now?: () => number;
  concurrency?: number;
  /** State is saved during long scans about every this many entries; default 65536. */
  progressEvery?: number;
  onEvent?: (event: MonitorEvent) => void;
  /** Hands an alert to the owner (print, webhook); a throw keeps it for the next run. */
  deliver?: (alert: MonitorAlert) => void | Promise<void>;
  /** Stop scanning (at the next save point) once a run has scanned this many entries. */
  stopAfter?: number;
}

export interface MonitorRunResult {
  /** Alerts delivered in this run (new ones, and ones an earlier run could not deliver). */
  alerts: MonitorAlert[];
  /** Alerts raised but not delivered (they stay in the state's outbox). */
  undelivered: MonitorAlert[];
  deliveryErrors: string[];
  warnings: string[];
  /** Why the monitor cannot advance (e.g. the server keeps serving tampered tiles), if so. */
  blocked: string | null;
  verifiedSize: number;
  scanned: number;
  /** The run stopped mid-scan (stopAfter); the state holds the progress. */
  stopped: boolean;
}

const MAX_FRESHNESS = Number.MAX_SAFE_INTEGER;

export class Monitor {
  private readonly o: MonitorOptions;
  private readonly sha256: Sha256Function;
  private readonly origin: string;
  private latestNote: string | null = null;

  constructor(options: MonitorOptions) {
    this.o = options;
    this.sha256 = options.sha256 ?? nobleSha256;
    this.origin = options.policy.log.verifier.name;
  }

  /** The signed note of the newest checkpoint this monitor verified (what --serve hands out). */
  latestVerified(): string | null {
    return this.latestNote;
  }

  /** Loads the verified checkpoint from storage without running (for serving at start). */
  async loadLatest(): Promise<string | null> {
    const state = await loadMonitorState(this.o.storage, this.origin, formatVkey(this.o.policy.log.verifier));
    this.latestNote = state.verified?.note ?? null;
    return this.latestNote;
  }

  async runOnce(): Promise<MonitorRunResult> {
    return new MonitorRun(this.o, this.sha256, (note) => (this.latestNote = note)).run();
  }
}

class MonitorRun {
  private readonly logKey;
  private readonly origin: string;
  private state!: MonitorState;
  private watches: ResolvedWatch[] = [];
  private readonly result: MonitorRunResult = {
    alerts: [],
    undelivered: [],
    deliveryErrors: [],
    warnings: [],
    blocked: null,
    verifiedSize: 0,
    scanned: 0,
    stopped: false,
  };

  constructor(
    private readonly o: MonitorOptions,
    private readonly sha256: Sha256Function,
    private readonly setLatest: (note: string) => void,
  ) {
    this.logKey = o.policy.log.verifier;
    this.origin = this.logKey.name;
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now() / 1000;
  }

  private emit(event: MonitorEvent): void {
    this.o.onEvent?.(event);
  }

  private warn(message: string): void {
    this.result.warnings.push(message);
    this.emit({ type: 'warning', origin: this.origin, message });
  }

  private save(): Promise<void> {
    return saveMonitorState(this.o.storage, this.state);
  }

  private alert(kind: AlertKind, id: string, message: string, extra: Partial<MonitorAlert> = {}): MonitorAlert {
    return { id: `${kind}:${id}`, kind, origin: this.origin, message, time: Math.floor(this.now()), ...extra };
  }

  /** Adds alerts not raised before to the outbox (the caller saves the state). */
  private record(alerts: MonitorAlert[]): void {
    for (const a of alerts) {
      if (this.state.alerted.includes(a.id)) continue;
      this.state.alerted.push(a.id);
      this.state.outbox.push(a);
    }
  }

  private async raise(alerts: MonitorAlert[]): Promise<void> {
    this.record(alerts);
    await this.save();
    await this.flush();
  }

  /** Delivers the outbox, writing the state after each alert (a crash repeats at most that one). */
  private async flush(): Promise<void> {
    for (const a of [...this.state.outbox]) {
      try {
        await this.o.deliver?.(a);
      } catch (e) {
        this.result.deliveryErrors.push(`alert ${a.id}: ${(e as Error).message}`);
        continue;
      }
      this.result.alerts.push(a);
      this.state.outbox = this.state.outbox.filter((x) => x.id !== a.id);
      await this.save();
    }
  }

  async run(): Promise<MonitorRunResult> {
    const { client, policy } = this.o;
    this.state = await loadMonitorState(this.o.storage, this.origin, formatVkey(this.logKey));
    if (this.state.verified) this.setLatest(this.state.verified.note);

    this.watches = await Promise.all(this.o.watch.map((w) => resolveWatch(client, policy, w)));
    const ids = [...new Set(this.watches.map((w) => w.identityBase64))].sort();
    if (ids.some((id) => !this.state.watched.includes(id))) {
      if (this.state.verified || this.state.scan) this.warn('a newly watched address: scanning the log from the start for it');
      this.state.verified = null;
      this.state.scan = null;
    }
    this.state.watched = ids;

    await this.flush();

    const note = await client.checkpoint();
    let cp: OpenedCheckpoint;
    try {
      cp = openCheckpoint(note, policy, this.now());
    } catch (e) {
      if (!(e instanceof PolicyError && e.code === 'stale-checkpoint')) throw e;
      cp = openCheckpoint(note, { ...policy, freshness: MAX_FRESHNESS }, this.now());
      this.record([
        this.alert('stale-checkpoint', `${cp.size}:${base64Encode(cp.root)}`, `the log serves a stale checkpoint (size ${cp.size}): ${e.message}`, {
          checkpointSize: cp.size,
        }),
      ]);
      await this.save();
      await this.flush();
    }

    if (this.state.scan) {
      const target = readSignedCheckpoint(this.state.scan.target, this.logKey);
      if (!(await this.scan(target))) return this.finish();
    }
    const base = this.state.verified;
    if (base && cp.size < base.size) await this.rollback(readSignedCheckpoint(base.note, this.logKey), cp);
    else if (base && cp.size === base.size) {
      const b = readSignedCheckpoint(base.note, this.logKey);
      if (!bytesEqual(b.root, cp.root)) await this.splitView(b, cp, 'log', await this.evidence(b, cp));
    } else if (!(await this.scan(cp))) return this.finish();

    await this.observeHead();
    const sources = [...(this.o.gossip ?? []), ...policy.witnesses.flatMap((w) => (w.url ? [w.url] : []))];
    for (const source of new Set(sources)) await this.gossip(source);
    await this.flush();
    return this.finish();
  }

  private finish(): MonitorRunResult {
    this.result.verifiedSize = this.state.verified?.size ?? 0;
    this.result.undelivered = [...this.state.outbox];
    return this.result;
  }

  private proofs() {
    return tileProofSource(this.o.client, this.sha256);
  }

  private async evidence(a: SignedCheckpoint, b: SignedCheckpoint): Promise<SplitViewEvidence | null> {
    const found = await findSplitViewEvidence(a, b, this.proofs());
    return found === 'consistent' ? null : found;
  }

  private async splitView(a: SignedCheckpoint, b: SignedCheckpoint, source: string, evidence: SplitViewEvidence | null): Promise<void> {
    if (!evidence) {
      this.warn(`checkpoints of size ${a.size} and ${b.size} from ${source} could not be shown consistent, nor inconsistent`);
      return;
    }
    const [s, l] = a.size <= b.size ? [a, b] : [b, a];
    const id = `${s.size}:${base64Encode(s.root)}:${l.size}:${base64Encode(l.root)}`;
    await this.raise([
      this.alert(
        'split-view',
        id,
        `split view: the log signed checkpoints of size ${s.size} and ${l.size} that cannot both be true (seen from ${source})`,
        { source, evidence, checkpointSize: l.size },
      ),
    ]);
  }

  private async rollback(verified: SignedCheckpoint, cp: OpenedCheckpoint): Promise<void> {
    let evidence: SplitViewEvidence | null = null;
    try {
      evidence = await this.evidence(cp, verified);
    } catch {
      // the tiles of the larger tree may be gone: then it is a rollback and nothing more is known
    }
    if (evidence) return this.splitView(verified, cp, 'log', evidence);
    await this.raise([
      this.alert(
        'rollback',
        `${cp.size}:${base64Encode(cp.root)}`,
        `the log serves a checkpoint of size ${cp.size}, smaller than the verified ${verified.size}`,
        { checkpointSize: cp.size },
      ),
    ]);
  }

  /** Evidence that `target`'s tree (from its tiles) has another prefix than the verified checkpoint. */
  private async forkEvidence(target: SignedCheckpoint): Promise<{ base: SignedCheckpoint; evidence: SplitViewEvidence } | null> {
    if (!this.state.verified) return null;
    const base = readSignedCheckpoint(this.state.verified.note, this.logKey);
    try {
      const evidence = await this.evidence(base, target);
      return evidence ? { base, evidence } : null;
    } catch {
      return null; // no usable tiles: reported as tampering
    }
  }

  /** Scans to `target`; true when its whole range verified and was committed. */
  private async scan(target: SignedCheckpoint): Promise<boolean> {
    const st = this.state;
    const resume = st.scan !== null && st.scan.target === target.note ? st.scan : null;
    const baseSize = st.verified?.size ?? 0;
    const range = resume
      ? CompactRange.fromBase64(resume.position, resume.edge, this.sha256)
      : st.verified
        ? CompactRange.fromBase64(st.verified.size, st.verified.edge, this.sha256)
        : new CompactRange(0, [], this.sha256);
    const matches: ScanMatch[] = resume ? [...resume.matches] : [];
    let malformed = resume ? resume.malformed : 0;
    const start = range.size;
    if (start > target.size) throw new RangeError(`monitor state: scan position ${start} is past its target ${target.size}`);

    const byPrefix = new Map<number, ResolvedWatch[]>();
    for (const w of this.watches) {
      const p = ((w.identity[0] << 24) | (w.identity[1] << 16) | (w.identity[2] << 8) | w.identity[3]) >>> 0;
      byPrefix.set(p, [...(byPrefix.get(p) ?? []), w]);
    }
    const watchedAt = (e: Uint8Array): boolean => {
      if (e.length < 66) return false;
      const ws = byPrefix.get(((e[2] << 24) | (e[3] << 16) | (e[4] << 8) | e[5]) >>> 0);
      return ws !== undefined && ws.some((w) => bytesEqual(w.identity, e.subarray(2, 66)));
    };
    let sinceEvent = 0;
    const progress = (saved: boolean) =>
      this.emit({ type: 'progress', origin: this.origin, position: range.size, target: target.size, start, saved });

    let outcome;
    try {
      outcome = await scanToSize({
        source: this.o.client,
        range,
        targetSize: target.size,
        sha256: this.sha256,
        hashBundle: this.o.hashBundle,
        concurrency: this.o.concurrency,
        progressEvery: this.o.progressEvery,
        onBundle: (first, entries) => {
          for (let i = 0; i < entries.length; i++) {
            const e = entries[i];
            // The quick form check decodeEntry makes; failures are decoded below for the reason.
            const wellFormed = e.length === ENTRY_SIZE && e[0] === 1 && (e[1] === 1 || e[1] === 2) && (e[66] | e[67] | e[68] | e[69]) !== 0;
            if (!wellFormed) malformed++;
            if (watchedAt(e)) matches.push({ index: first + i, entry: base64Encode(e) });
          }
          this.result.scanned += entries.length;
          sinceEvent += entries.length;
          if (sinceEvent >= 4096) {
            sinceEvent = 0;
            progress(false);
          }
        },
        onProgress: async (r) => {
          st.scan = { target: target.note, size: target.size, position: r.size, edge: r.edgeBase64(), matches, malformed };
          await this.save();
          progress(true);
        },
        shouldStop: () => this.o.stopAfter !== undefined && this.result.scanned >= this.o.stopAfter,
      });
    } catch (e) {
      if (!(e instanceof TileMismatchError)) throw e;
      st.scan = null;
      // Tiles that disagree with the verified edge may be another tree (a fork): look for
      // evidence in the target's tiles first; otherwise it is tampering.
      const evidence = await this.forkEvidence(target);
      if (evidence) {
        this.result.blocked = `the log's checkpoint of size ${target.size} does not extend the verified one of size ${baseSize}`;
        await this.splitView(evidence.base, target, 'log', evidence.evidence);
        return false;
      }
      this.result.blocked = e.message;
      await this.raise([this.alert('tile-mismatch', e.path, e.message, { index: e.level === 0 ? e.index : undefined, checkpointSize: target.size })]);
      return false;
    }
    if (outcome === 'stopped') {
      this.result.stopped = true;
      return false;
    }

    const root = range.root();
    if (!bytesEqual(root, target.root)) {
      st.scan = null;
      const evidence = await this.forkEvidence(target);
      if (evidence) {
        this.result.blocked = `the log's checkpoint of size ${target.size} does not extend the verified one of size ${baseSize}`;
        await this.splitView(evidence.base, target, 'log', evidence.evidence);
      } else {
        const message = `the entries ${baseSize}..${target.size - 1} served do not hash to the root of the checkpoint of size ${target.size}`;
        this.result.blocked = message;
        await this.raise([this.alert('tile-mismatch', `root:${target.size}:${base64Encode(target.root)}`, message, { checkpointSize: target.size })]);
      }
      return false;
    }

    const alerts = await this.judge(matches, target);
    if (malformed > 0) this.warn(`${malformed} entries in the log up to ${target.size} are not well-formed glasskey entries`);
    st.verified = { note: target.note, size: target.size, edge: range.edgeBase64() };
    st.scan = null;
    this.record(alerts);
    await this.save();
    this.setLatest(target.note);
    this.emit({ type: 'verified', origin: this.origin, size: target.size, previousSize: baseSize, root: base64Encode(target.root) });
    await this.flush();
    return true;
  }

  private async judge(matches: ScanMatch[], target: SignedCheckpoint): Promise<MonitorAlert[]> {
    const alerts: MonitorAlert[] = [];
    const refreshed = new Set<ResolvedWatch>();
    for (const m of matches) {
      const bytes = base64Decode(m.entry);
      const watch = this.watches.find((w) => bytesEqual(w.identity, bytes.subarray(2, 66)));
      if (!watch) continue; // a watched address the owner removed since the scan began
      let entry;
      try {
        entry = decodeEntry(bytes);
      } catch (e) {
        alerts.push(
          this.alert('malformed-entry', String(m.index), `entry ${m.index} for ${watch.address} does not decode: ${(e as Error).message}`, {
            address: watch.address,
            index: m.index,
            checkpointSize: target.size,
          }),
        );
        continue;
      }
      const hash = hexEncode(entry.certificateHash);
      const seen = { address: watch.address, index: m.index, version: entry.version, certificateHash: hash, checkpointSize: target.size };
      if (entry.action === 'unbind') {
        if (watch.allowUnbind) this.emit({ type: 'entry', origin: this.origin, action: 'unbind', ...seen });
        else
          alerts.push(
            this.alert('unexpected-unbind', String(m.index), `unexpected unbind of ${watch.address} at index ${m.index} (version ${entry.version})`, seen),
          );
        continue;
      }
      let verdict = judgeCertificate(watch, hash);
      if (!verdict.expected && watch.fingerprints.size > 0 && !refreshed.has(watch)) {
        refreshed.add(watch);
        // A certificate bound since the history was fetched; failing here fails the run (and
        // the range is judged again next time) rather than raise a false rogue-key alert.
        await refreshWatch(this.o.client, this.o.policy, watch);
        verdict = judgeCertificate(watch, hash);
      }
      if (verdict.expected) {
        this.emit({ type: 'entry', origin: this.origin, action: 'bind', fingerprint: verdict.fingerprint, ...seen });
        continue;
      }
      const key = verdict.fingerprint ? ` of primary key ${verdict.fingerprint.toUpperCase()}` : '';
      alerts.push(
        this.alert(
          'unexpected-key',
          String(m.index),
          `rogue key: index ${m.index} binds ${watch.address} to a certificate you do not expect (sha256 ${hash}${key}, version ${entry.version})`,
          verdict.fingerprint ? { ...seen, fingerprint: verdict.fingerprint } : seen,
        ),
      );
    }
    return alerts;
  }

  private async observeHead(): Promise<void> {
    if (!this.state.verified) return;
    const verified = readSignedCheckpoint(this.state.verified.note, this.logKey);
    try {
      const head = await this.o.headStore.head(this.origin);
      if (!head || head.size <= verified.size) await this.o.headStore.update(verified, this.proofs());
      else await this.o.headStore.compare(verified, this.proofs());
    } catch (e) {
      if (e instanceof SplitViewError) {
        const ev = e.evidence;
        const a = readSignedCheckpoint(ev.first, this.logKey);
        const b = readSignedCheckpoint(ev.second, this.logKey);
        await this.splitView(a, b, 'head store', ev);
      } else this.warn(`could not compare with the head store: ${(e as Error).message}`);
    }
  }

  private async gossip(source: string): Promise<void> {
    let url: string;
    let note: string;
    try {
      url = gossipCheckpointUrl(source, this.origin);
      note = await getText(this.o.gossipGet ?? this.o.client.get, url);
    } catch (e) {
      this.warn(`gossip ${source}: ${(e as Error).message}`);
      return;
    }
    let cp: SignedCheckpoint;
    try {
      cp = readSignedCheckpoint(note, this.logKey);
    } catch (e) {
      this.warn(`gossip ${source}: not a checkpoint signed by the log: ${(e as Error).message}`);
      return;
    }
    try {
      const result = await this.o.headStore.compare(cp, this.proofs());
      this.emit({ type: 'gossip', origin: this.origin, source, size: cp.size, result });
    } catch (e) {
      if (e instanceof SplitViewError) {
        const ev = e.evidence;
        await this.splitView(readSignedCheckpoint(ev.first, this.logKey), readSignedCheckpoint(ev.second, this.logKey), source, ev);
      } else this.warn(`gossip ${source}: could not check consistency of its checkpoint of size ${cp.size}: ${(e as Error).message}`);
    }
  }
}
