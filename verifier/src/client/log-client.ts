// A client for a glasskey server's HTTP contract: the JSON API (/api/v1/policy, lookup,
// history, proof/consistency) and the c2sp.org/tlog-tiles endpoints under /log (checkpoint,
// hash tiles, entry bundles). Fetches and checks shapes only; verification is elsewhere. A
// partial tile that is no longer served (the log grew past it) is read from the full tile.
import { base64Decode } from '../format/bytes.ts';
import { FormatError } from '../errors.ts';
import { FetchError, fetchHttpGet, getJson, getOk, getText, joinUrl, type HttpGet } from './http-get.ts';
import type { LookupResponse } from './lookup.ts';
import { entriesPath, splitEntryBundle, tilePath, TILE_WIDTH } from '../format/tile-path.ts';

export interface HistoryEntry {
  index: number | null;
  version: number;
  action: 'bind' | 'unbind';
  /** base64 of the 102-byte entry */
  entry: string;
  /** armored certificate, or null when the server no longer has it */
  certificate: string | null;
}

export interface HistoryResponse {
  email: string;
  /** base64 of the 80-byte VRF proof */
  vrfProof: string;
  /** base64 of the 64-byte VRF output */
  identity: string;
  entries: HistoryEntry[];
}

/** Where a scanner reads tiles: hash tiles and entry bundles at a given width. */
export interface TileSource {
  /** width * 32 bytes: the hashes of tile (level, index) in a tree where it has `width` hashes. */
  hashTile(level: number, index: number, width: number): Promise<Uint8Array>;
  /** Exactly `width` entries of entry bundle `index`. */
  entryBundle(index: number, width: number): Promise<Uint8Array[]>;
}

function bad(what: string, why: string): never {
  throw new FormatError('bad-response', `${what}: ${why}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseHistoryResponse(v: unknown): HistoryResponse {
  const what = 'history response';
  if (!isObject(v)) bad(what, 'not an object');
  const { email, vrfProof, identity, entries } = v;
  if (typeof email !== 'string' || typeof vrfProof !== 'string' || typeof identity !== 'string' || !Array.isArray(entries))
    bad(what, 'needs email, vrfProof, identity and entries');
  const out: HistoryEntry[] = entries.map((e, i) => {
    if (!isObject(e)) bad(what, `entry ${i} is not an object`);
    const { index, version, action, entry, certificate } = e;
    if (!(index === null || (typeof index === 'number' && Number.isSafeInteger(index) && index >= 0))) bad(what, `entry ${i}: bad index`);
    if (typeof version !== 'number' || !Number.isSafeInteger(version)) bad(what, `entry ${i}: bad version`);
    if (action !== 'bind' && action !== 'unbind') bad(what, `entry ${i}: bad action`);
    if (typeof entry !== 'string') bad(what, `entry ${i}: entry is not a string`);
    if (!(certificate === null || certificate === undefined || typeof certificate === 'string')) bad(what, `entry ${i}: bad certificate`);
    return { index, version, action, entry, certificate: certificate ?? null };
  });
  return { email, vrfProof, identity, entries: out };
}

export class LogClient implements TileSource {
  readonly serverUrl: string;
  readonly get: HttpGet;

  constructor(serverUrl: string, get: HttpGet = fetchHttpGet()) {
    try {
      new URL(serverUrl);
    } catch {
      throw new FormatError('bad-url', `server URL ${JSON.stringify(serverUrl)} is not a URL`);
    }
    this.serverUrl = serverUrl;
    this.get = get;
  }

  url(path: string): string {
    return joinUrl(this.serverUrl, path);
  }

  policyText(): Promise<string> {
    return getText(this.get, this.url('api/v1/policy'));
  }

  /** The lookup response, or null when the server says the address is not bound (404). */
  async lookup(email: string): Promise<LookupResponse | null> {
    const url = this.url(`api/v1/lookup?email=${encodeURIComponent(email)}`);
    const res = await this.get(url);
    if (res.status === 404) return null;
    if (res.status !== 200) await getOk(async () => res, url);
    let v: unknown;
    try {
      v = JSON.parse(new TextDecoder().decode(res.body));
    } catch {
      throw new FetchError(url, res.status, `GET ${url}: the answer is not JSON`);
    }
    return v as LookupResponse;
  }

  async history(email: string): Promise<HistoryResponse> {
    return parseHistoryResponse(await getJson(this.get, this.url(`api/v1/history?email=${encodeURIComponent(email)}`)));
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    const v = await getJson(this.get, this.url(`api/v1/proof/consistency?old=${oldSize}&new=${newSize}`));
    const what = 'consistency proof response';
    if (!isObject(v) || v.old !== oldSize || v.new !== newSize || !Array.isArray(v.proof)) bad(what, 'sizes or proof missing or not as asked');
    return v.proof.map((h, i) => {
      if (typeof h !== 'string') bad(what, `hash ${i} is not a string`);
      let b: Uint8Array;
      try {
        b = base64Decode(h);
      } catch {
        bad(what, `hash ${i} is not base64`);
      }
      if (b.length !== 32) bad(what, `hash ${i} is not 32 bytes`);
      return b;
    });
  }

  checkpoint(): Promise<string> {
    return getText(this.get, this.url('log/checkpoint'));
  }

  /** GET of a tile path; on 404 for a partial tile, the full tile instead (flag full). */
  private async tileBytes(partial: string, full: string, width: number): Promise<{ body: Uint8Array; full: boolean }> {
    const url = this.url(`log/${partial}`);
    const res = await this.get(url);
    if (res.status === 200) return { body: res.body, full: width === TILE_WIDTH };
    if (res.status === 404 && width < TILE_WIDTH) {
      const r = await getOk(this.get, this.url(`log/${full}`));
      return { body: r.body, full: true };
    }
    await getOk(async () => res, url);
    throw new Error('unreachable');
  }

  async hashTile(level: number, index: number, width: number): Promise<Uint8Array> {
    const path = tilePath(level, index, width);
    const { body, full } = await this.tileBytes(path, tilePath(level, index), width);
    const expected = (full ? TILE_WIDTH : width) * 32;
    if (body.length !== expected) bad(`tile ${path}`, `is ${body.length} bytes, expected ${expected}`);
    return body.subarray(0, width * 32);
  }

  async entryBundle(index: number, width: number): Promise<Uint8Array[]> {
    const path = entriesPath(index, width);
    const { body, full } = await this.tileBytes(path, entriesPath(index), width);
    const entries = splitEntryBundle(body, full ? TILE_WIDTH : width);
    return full ? entries.slice(0, width) : entries;
  }
}
