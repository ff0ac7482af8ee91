// Test aid: an in-memory glasskey log behind a real HTTP server (node:http), with the server's
// exact formats: /api/v1/policy, lookup, history, proof/consistency; /log/checkpoint, hash
// tiles and entry bundles (c2sp.org/tlog-tiles, height 8); and the witness monitoring path
// /<hex sha256(origin)>/checkpoint. Entries are real 102-byte glasskey entries with real VRF
// outputs (log/vrf.ts), checkpoints are signed with log/note-signer.ts and cosigned by test
// witnesses. The tree keeps every complete node per height, so roots, proofs and tiles of any
// size are lookups; monitor-fake-server.test.ts checks them against the RFC 9162 reference tree.
// Hooks let tests tamper with responses, serve another checkpoint, or fork the log.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash as nodeHash, randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  addressAlpha,
  base64Encode,
  encodeEntry,
  enarmor,
  formatCheckpoint,
  formatTlogProof,
  normalizeAddress,
  parsePolicy,
  parseTilePath,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  TILE_WIDTH,
  type LookupResponse,
  type Policy,
} from '@glasskey/verifier';
import { formatEntryBundle, originPathSegment } from '@glasskey/verifier';
import { cosign, generateSigner, signNote, type NoteSigner } from '../../log/note-signer.ts';
import { vrfKeygen, vrfProve, type VrfKeyPair } from '../../log/vrf.ts';

const h = (data: Uint8Array): Uint8Array => {
  const b = nodeHash('sha256', data, 'buffer');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Every complete node of the tree, per height, in one growing buffer each. */
class TreeLevels {
  private levels: { buf: Uint8Array; count: number }[] = [];
  private readonly scratch = new Uint8Array(65);

  constructor() {
    this.scratch[0] = 1;
  }

  count(height: number): number {
    return this.levels[height]?.count ?? 0;
  }

  node(height: number, index: number): Uint8Array {
    const l = this.levels[height];
    if (!l || index >= l.count) throw new Error(`no node ${height}/${index}`);
    return l.buf.subarray(index * 32, index * 32 + 32);
  }

  /** Hashes [height] index from..to as one byte range (a tile's content). */
  range(height: number, from: number, to: number): Uint8Array {
    return this.levels[height].buf.slice(from * 32, to * 32);
  }

  private push(height: number, hash: Uint8Array): void {
    let l = this.levels[height];
    if (!l) l = this.levels[height] = { buf: new Uint8Array(32 * 1024), count: 0 };
    if ((l.count + 1) * 32 > l.buf.length) {
      const bigger = new Uint8Array(l.buf.length * 2);
      bigger.set(l.buf);
      l.buf = bigger;
    }
    l.buf.set(hash, l.count * 32);
    l.count++;
  }

  appendLeaf(leafHash: Uint8Array): void {
    this.push(0, leafHash);
    for (let height = 0; this.count(height) % 2 === 0; height++) {
      const c = this.count(height);
      this.scratch.set(this.node(height, c - 2), 1);
      this.scratch.set(this.node(height, c - 1), 33);
      this.push(height + 1, h(this.scratch));
    }
  }

  hash2(a: Uint8Array, b: Uint8Array): Uint8Array {
    this.scratch.set(a, 1);
    this.scratch.set(b, 33);
    return h(this.scratch);
  }

  subtree(start: number, n: number): Uint8Array {
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) return this.node(height, start / n).slice();
    let k = 1;
    while (k * 2 < n) k *= 2;
    return this.hash2(this.subtree(start, k), this.subtree(start + k, n - k));
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface AddressRecord {
  index: number;
  version: number;
  action: 'bind' | 'unbind';
  entry: Uint8Array;
  certificate: Uint8Array | null;
  /** Left out of /api/v1/history (an operator hiding an entry from the owner). */
  hidden: boolean;
}

export interface FakeLogKeys {
  origin: string;
  signer: NoteSigner;
  vrf: VrfKeyPair;
  witnesses: NoteSigner[];
}

export function makeKeys(origin = 'log.fake.glasskey.example', witnesses = 1): FakeLogKeys {
  return {
    origin,
    signer: generateSigner(origin),
    vrf: vrfKeygen(),
    witnesses: Array.from({ length: witnesses }, (_, i) => generateSigner(`witness${i + 1}.fake.example`, SIGNATURE_TYPE_COSIGNATURE_V1)),
  };
}

export class FakeLog {
  readonly keys: FakeLogKeys;
  readonly policyText: string;
  readonly policy: Policy;
  private data = new Uint8Array(1 << 16);
  private dataLength = 0;
  private offsets = new Float64Array(1024);
  private count = 0;
  private readonly tree = new TreeLevels();
  private readonly records = new Map<string, AddressRecord[]>();
  private readonly vrfCache = new Map<string, { proof: Uint8Array; output: Uint8Array }>();
  /** The checkpoint /log/checkpoint and lookups use; publish() sets it. */
  served: { note: string; size: number } | null = null;
  /** Seconds before now the witnesses' cosignatures claim (large = stale). */
  cosignAge = 10;

  constructor(keys: FakeLogKeys = makeKeys(), freshness = 3600) {
    this.keys = keys;
    const w = keys.witnesses;
    this.policyText =
      `log ${keys.signer.vkey}\nvrf ${base64Encode(keys.vrf.publicKey)}\n` +
      w.map((s, i) => `witness w${i + 1} ${s.vkey}\n`).join('') +
      (w.length > 0 ? `group all-witnesses all ${w.map((_, i) => `w${i + 1}`).join(' ')}\nquorum all-witnesses\n` : 'quorum none\n') +
      `freshness ${freshness}\n`;
    this.policy = parsePolicy(this.policyText);
  }

  get size(): number {
    return this.count;
  }

  entry(index: number): Uint8Array {
    if (index >= this.count) throw new Error(`no entry ${index}`);
    return this.data.subarray(this.offsets[index], index + 1 < this.count ? this.offsets[index + 1] : this.dataLength);
  }

  appendEntry(entry: Uint8Array): number {
    if (this.dataLength + entry.length > this.data.length) {
      const bigger = new Uint8Array(Math.max(this.data.length * 2, this.dataLength + entry.length));
      bigger.set(this.data.subarray(0, this.dataLength));
      this.data = bigger;
    }
    if (this.count === this.offsets.length) {
      const bigger = new Float64Array(this.offsets.length * 2);
      bigger.set(this.offsets);
      this.offsets = bigger;
    }
    this.offsets[this.count] = this.dataLength;
    this.data.set(entry, this.dataLength);
    this.dataLength += entry.length;
    const leafInput = new Uint8Array(1 + entry.length);
    leafInput.set(entry, 1);
    this.tree.appendLeaf(h(leafInput));
    return this.count++;
  }

  /** n well-formed entries for random identities (filler: other people's bindings). */
  appendRandom(n: number): void {
    const chunk = 65536;
    for (let done = 0; done < n; done += chunk) {
      const m = Math.min(chunk, n - done);
      const bytes = randomBytes(m * 102);
      for (let i = 0; i < m; i++) {
        const e = bytes.subarray(i * 102, (i + 1) * 102);
        e[0] = 1;
        e[1] = 1;
        e[66] = 0;
        e[67] = 0;
        e[68] = 0;
        e[69] = 1;
        this.appendEntry(e);
      }
    }
  }

  vrfFor(address: string): { proof: Uint8Array; output: Uint8Array } {
    const a = normalizeAddress(address);
    let v = this.vrfCache.get(a);
    if (!v) this.vrfCache.set(a, (v = vrfProve(this.keys.vrf.secretKey, addressAlpha(a))));
    return v;
  }

  recordsOf(address: string): AddressRecord[] {
    return this.records.get(normalizeAddress(address)) ?? [];
  }

  private append(address: string, action: 'bind' | 'unbind', certificate: Uint8Array, hidden: boolean, keepCertificate: boolean): number {
    const a = normalizeAddress(address);
    const list = this.records.get(a) ?? [];
    const version = list.length + 1;
    const entry = encodeEntry({ action, identity: this.vrfFor(a).output, version, certificateHash: sha256(certificate) });
    const index = this.appendEntry(entry);
    list.push({ index, version, action, entry, certificate: keepCertificate ? certificate : null, hidden });
    this.records.set(a, list);
    return index;
  }

  /** Appends a bind entry (hidden: left out of the history the server shows). */
  bind(address: string, certificate: Uint8Array, options: { hidden?: boolean } = {}): number {
    return this.append(address, 'bind', certificate, options.hidden ?? false, true);
  }

  /** Appends an unbind entry for the address's current certificate. */
  unbind(address: string, options: { hidden?: boolean } = {}): number {
    const last = [...this.recordsOf(address)].reverse().find((r) => r.action === 'bind');
    if (!last?.certificate) throw new Error(`${address} is not bound`);
    return this.append(address, 'unbind', last.certificate, options.hidden ?? false, false);
  }

  root(size = this.count): Uint8Array {
    return size === 0 ? sha256(new Uint8Array(0)) : this.tree.subtree(0, size);
  }

  inclusionProof(index: number, size = this.count): Uint8Array[] {
    const path = (m: number, start: number, n: number): Uint8Array[] => {
      if (n === 1) return [];
      const k = largestPowerOfTwoBelow(n);
      if (m < k) return [...path(m, start, k), this.tree.subtree(start + k, n - k)];
      return [...path(m - k, start + k, n - k), this.tree.subtree(start, k)];
    };
    return path(index, 0, size);
  }

  consistencyProof(m: number, n = this.count): Uint8Array[] {
    if (m === 0 || m === n) return [];
    const sub = (m: number, start: number, n: number, b: boolean): Uint8Array[] => {
      if (m === n) return b ? [] : [this.tree.subtree(start, m)];
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) return [...sub(m, start, k, b), this.tree.subtree(start + k, n - k)];
      return [...sub(m - k, start + k, n - k, false), this.tree.subtree(start, k)];
    };
    return sub(m, 0, n, true);
  }

  /** A checkpoint of `size` signed by the log and cosigned by every witness. */
  checkpoint(size = this.count, cosignTime = Math.floor(Date.now() / 1000) - this.cosignAge): string {
    const body = formatCheckpoint({ origin: this.keys.origin, size, root: this.root(size) });
    return signNote(body, [this.keys.signer]) + this.keys.witnesses.map((w) => cosign(body, w, cosignTime)).join('');
  }

  /** Signs the current size and serves it. */
  publish(): string {
    const note = this.checkpoint();
    this.served = { note, size: this.count };
    return note;
  }

  /** The hashes of tile (level, index) at width, or null if the tree does not have them. */
  hashTile(level: number, index: number, width: number): Uint8Array | null {
    const height = level * 8;
    if ((index * TILE_WIDTH + width) > this.tree.count(height)) return null;
    return this.tree.range(height, index * TILE_WIDTH, index * TILE_WIDTH + width);
  }

  entryBundle(index: number, width: number): Uint8Array | null {
    if (index * TILE_WIDTH + width > this.count) return null;
    const entries: Uint8Array[] = [];
    for (let i = index * TILE_WIDTH; i < index * TILE_WIDTH + width; i++) entries.push(this.entry(i));
    return formatEntryBundle(entries);
  }

  lookup(address: string): LookupResponse | null {
    if (!this.served) return null;
    const a = normalizeAddress(address);
    const rec = [...this.recordsOf(a)].reverse().find((r) => r.index < this.served!.size);
    if (!rec || rec.action !== 'bind' || !rec.certificate) return null;
    return {
      email: a,
      certificate: enarmor('PUBLIC KEY BLOCK', rec.certificate),
      entry: base64Encode(rec.entry),
      proof: formatTlogProof({
        extra: this.vrfFor(a).proof,
        index: rec.index,
        proof: this.inclusionProof(rec.index, this.served.size),
        checkpoint: this.served.note,
      }),
    };
  }

  history(address: string) {
    const a = normalizeAddress(address);
    const v = this.vrfFor(a);
    return {
      email: a,
      vrfProof: base64Encode(v.proof),
      identity: base64Encode(v.output),
      entries: this.recordsOf(a)
        .filter((r) => !r.hidden)
        .map((r) => ({
          index: r.index,
          version: r.version,
          action: r.action,
          entry: base64Encode(r.entry),
          certificate: r.certificate ? enarmor('PUBLIC KEY BLOCK', r.certificate) : null,
        })),
    };
  }

  /** A log with the same keys and the first `size` entries (and address records) of this one. */
  fork(size = this.count): FakeLog {
    const f = new FakeLog(this.keys, this.policy.freshness);
    for (let i = 0; i < size; i++) f.appendEntry(this.entry(i));
    for (const [a, list] of this.records) {
      const kept = list.filter((r) => r.index < size);
      if (kept.length > 0) f.records.set(a, kept.map((r) => ({ ...r })));
    }
    for (const [a, v] of this.vrfCache) f.vrfCache.set(a, v);
    return f;
  }
}

export interface FakeServerOptions {
  /** Changes (or replaces) a response body for a request path; return undefined to keep it. */
  tamper?: (path: string, body: Uint8Array) => Uint8Array | undefined;
  /** Serve only the current size's partial tiles (older partial widths 404, as real servers may). */
  onlyCurrentPartials?: boolean;
  /** Keeps full tiles and bundles once built (they never change), as a CDN would: for benchmarks. */
  cacheFullTiles?: boolean;
  /** Holds the answer to a request path until the promise settles (a server that hangs). */
  hold?: (path: string) => Promise<void> | undefined;
}

export interface FakeServer {
  url: string;
  log: FakeLog;
  requests: number;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, type: string, body: Uint8Array | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': type, 'content-length': bytes.length });
  res.end(bytes);
}

/** Serves `log` (or whatever log `current()` returns at each request). */
export async function startFakeServer(log: FakeLog | (() => FakeLog), options: FakeServerOptions = {}): Promise<FakeServer> {
  const current = typeof log === 'function' ? log : () => log;
  const state: FakeServer = { url: '', log: current(), requests: 0, close: async () => undefined };
  const tileCache = new Map<string, Uint8Array>();
  const server = http.createServer(async (req, res) => {
    state.requests++;
    const held = options.hold?.(new URL(req.url ?? '/', 'http://x').pathname);
    if (held) await held;
    const l = current();
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname;
    const reply = (status: number, type: string, body: Uint8Array | string) => {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      send(res, status, type, status === 200 ? (options.tamper?.(path, bytes) ?? bytes) : bytes);
    };
    const json = (status: number, v: unknown) => reply(status, 'application/json', JSON.stringify(v));
    try {
      if (path === '/api/v1/policy') return reply(200, 'text/plain; charset=utf-8', l.policyText);
      if (path === '/api/v1/lookup') {
        const r = l.lookup(u.searchParams.get('email') ?? '');
        return r ? json(200, r) : json(404, { error: 'no verified certificate for this address', code: 'not-found' });
      }
      if (path === '/api/v1/history') return json(200, l.history(u.searchParams.get('email') ?? ''));
      if (path === '/api/v1/proof/consistency') {
        const o = Number(u.searchParams.get('old'));
        const n = Number(u.searchParams.get('new'));
        if (!(o <= n) || !l.served || n > l.served.size) return json(400, { error: 'bad sizes' });
        return json(200, { old: o, new: n, proof: l.consistencyProof(o, n).map(base64Encode) });
      }
      if (path === '/log/checkpoint' || path === `/${originPathSegment(l.keys.origin)}/checkpoint`) {
        if (!l.served) return reply(404, 'text/plain', 'no checkpoint\n');
        return reply(200, 'text/plain; charset=utf-8', l.served.note);
      }
      if (path.startsWith('/log/tile/')) {
        const cached = tileCache.get(path);
        if (cached) return reply(200, 'application/octet-stream', cached);
        const t = parseTilePath(path.slice('/log/'.length));
        const index = Number(t.index);
        const servedSize = l.served?.size ?? 0;
        if (options.onlyCurrentPartials && t.width < TILE_WIDTH) {
          const level = t.level === 'entries' ? 0 : t.level;
          const hashes = Math.floor(servedSize / 256 ** level);
          if (Math.floor(hashes / TILE_WIDTH) !== index || hashes % TILE_WIDTH !== t.width) return reply(404, 'text/plain', 'no such tile\n');
        }
        const body = t.level === 'entries' ? l.entryBundle(index, t.width) : l.hashTile(t.level, index, t.width);
        if (body && options.cacheFullTiles && t.width === TILE_WIDTH) tileCache.set(path, body);
        return body ? reply(200, 'application/octet-stream', body) : reply(404, 'text/plain', 'no such tile\n');
      }
      return reply(404, 'text/plain', 'not found\n');
    } catch (e) {
      return reply(400, 'text/plain', `${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  Object.defineProperty(state, 'log', { get: current });
  return state;
}
