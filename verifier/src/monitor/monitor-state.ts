// The monitor's persistent state, one JSON record per log origin in a KeyValueStorage:
//   verified  the newest checkpoint whose whole log was scanned, with the tree edge to continue;
//   scan      a scan in progress toward a target checkpoint: position, edge, and the watched
//             entries met so far (judged, and alerted, only once the target root verifies);
//   watched   the identities the verified range was scanned for (a new one means a rescan);
//   alerted   ids of alerts already raised; outbox: raised but not yet delivered.
// It is written whole (the storage makes each write atomic) after each verified range and at
// progress points of a long scan, so a monitor killed anywhere resumes without missing or
// repeating anything.
import { FormatError, PolicyError } from '../errors.ts';
import type { MonitorAlert } from './monitor-alerts.ts';
import type { KeyValueStorage } from '../client/storage.ts';

export const MONITOR_STATE_FORMAT = 'glasskey-monitor-state/v1';

export interface ScanMatch {
  index: number;
  /** base64 of the entry */
  entry: string;
}

export interface MonitorState {
  format: typeof MONITOR_STATE_FORMAT;
  origin: string;
  /** The log key (vkey) the state was built under. */
  logKey: string;
  verified: { note: string; size: number; edge: string[] } | null;
  scan: { target: string; size: number; position: number; edge: string[]; matches: ScanMatch[]; malformed: number } | null;
  watched: string[];
  alerted: string[];
  outbox: MonitorAlert[];
}

export function initialMonitorState(origin: string, logKey: string): MonitorState {
  return { format: MONITOR_STATE_FORMAT, origin, logKey, verified: null, scan: null, watched: [], alerted: [], outbox: [] };
}

const key = (origin: string) => `monitor:${origin}`;

function bad(why: string): never {
  throw new FormatError('bad-monitor-state', `monitor state: ${why}`);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseMonitorState(text: string): MonitorState {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch {
    bad('not JSON');
  }
  if (typeof v !== 'object' || v === null || v.format !== MONITOR_STATE_FORMAT) bad(`not a ${MONITOR_STATE_FORMAT} record`);
  if (typeof v.origin !== 'string' || typeof v.logKey !== 'string') bad('origin or logKey missing');
  const verified = v.verified as MonitorState['verified'];
  if (verified !== null && (typeof verified !== 'object' || typeof verified.note !== 'string' || !isSize(verified.size) || !isStrings(verified.edge)))
    bad('bad verified record');
  const scan = v.scan as MonitorState['scan'];
  if (
    scan !== null &&
    (typeof scan !== 'object' ||
      typeof scan.target !== 'string' ||
      !isSize(scan.size) ||
      !isSize(scan.position) ||
      !isStrings(scan.edge) ||
      !Array.isArray(scan.matches) ||
      !isSize(scan.malformed))
  )
    bad('bad scan record');
  if (!isStrings(v.watched) || !isStrings(v.alerted) || !Array.isArray(v.outbox)) bad('watched, alerted or outbox missing');
  return v as unknown as MonitorState;
}

/** Loads the state for a log, or a fresh one; a state made under another log key is refused. */
export async function loadMonitorState(storage: KeyValueStorage, origin: string, logKey: string): Promise<MonitorState> {
  const raw = await storage.get(key(origin));
  if (raw === null || raw === undefined) return initialMonitorState(origin, logKey);
  const state = parseMonitorState(raw);
  if (state.origin !== origin || state.logKey !== logKey)
    throw new PolicyError('state-mismatch', `monitor state for ${state.origin} was made under log key ${state.logKey}, not ${logKey}`);
  return state;
}

export async function saveMonitorState(storage: KeyValueStorage, state: MonitorState): Promise<void> {
  await storage.set(key(state.origin), JSON.stringify(state));
}
