// What a monitor reports. Alerts are evidence-grade findings an owner must act on; each has a
// stable id (kind and log position or checkpoint), so a resumed or repeated run recognises an
// alert it already raised and does not raise it again.
import type { SplitViewEvidence } from '../client/split-view.ts';

export type AlertKind =
  /** a bind entry for a watched address whose certificate the owner does not expect (rogue key) */
  | 'unexpected-key'
  /** an unbind entry for a watched address the owner did not expect */
  | 'unexpected-unbind'
  /** an entry carrying a watched identity that does not decode */
  | 'malformed-entry'
  /** two checkpoints signed by the log that cannot both be true; carries evidence */
  | 'split-view'
  /** tiles or entries served that do not hash to what they must (server tampering) */
  | 'tile-mismatch'
  /** the served checkpoint's newest cosignature is older than the policy's freshness */
  | 'stale-checkpoint'
  /** the served checkpoint is smaller than one already verified */
  | 'rollback';

export interface MonitorAlert {
  id: string;
  kind: AlertKind;
  origin: string;
  message: string;
  /** Unix seconds when it was detected. */
  time: number;
  address?: string;
  index?: number;
  version?: number;
  /** SHA-256 of the certificate the entry binds, hex. */
  certificateHash?: string;
  /** Primary key fingerprint of that certificate, hex, when the server's history had it. */
  fingerprint?: string;
  checkpointSize?: number;
  /** A gossip source's URL, for split views found through gossip. */
  source?: string;
  evidence?: SplitViewEvidence;
}

/** Non-alert happenings a driver may show: progress, entries seen, warnings. */
export type MonitorEvent =
  /** saved: the position was just written to the state (a resumable point) */
  | { type: 'progress'; origin: string; position: number; target: number; start: number; saved: boolean }
  | { type: 'entry'; origin: string; address: string; index: number; action: 'bind' | 'unbind'; version: number; certificateHash: string; fingerprint?: string }
  | { type: 'verified'; origin: string; size: number; previousSize: number; root: string }
  | { type: 'gossip'; origin: string; source: string; size: number; result: string }
  | { type: 'warning'; origin: string; message: string };
