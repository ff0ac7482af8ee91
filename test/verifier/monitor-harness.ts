// Test aid: runs the library Monitor against a fake log server over real HTTP, collecting the
// alerts delivered and the events, with a given (persistent) storage.
import {
  HeadStore,
  LogClient,
  memoryStorage,
  Monitor,
  type KeyValueStorage,
  type MonitorAlert,
  type MonitorEvent,
  type MonitorOptions,
  type MonitorRunResult,
  type WatchedAddress,
} from '@glasskey/verifier';
import { nodeHttpGet, nodeSha256 } from '@glasskey/verifier/node';
import type { FakeLog, FakeServer } from './monitor-fake-server.ts';

export interface Harness {
  storage: KeyValueStorage;
  heads: KeyValueStorage;
  delivered: MonitorAlert[];
  events: MonitorEvent[];
  run(extra?: Partial<MonitorOptions>): Promise<MonitorRunResult>;
}

export function harness(server: FakeServer, log: FakeLog, watch: WatchedAddress[], base: Partial<MonitorOptions> = {}): Harness {
  const h: Harness = {
    storage: memoryStorage(),
    heads: memoryStorage(),
    delivered: [],
    events: [],
    async run(extra = {}) {
      const get = nodeHttpGet();
      try {
        const monitor = new Monitor({
          client: new LogClient(server.url, get),
          policy: log.policy,
          watch,
          storage: h.storage,
          headStore: new HeadStore(h.heads),
          sha256: nodeSha256,
          deliver: (a) => void h.delivered.push(a),
          onEvent: (e) => void h.events.push(e),
          ...base,
          ...extra,
        });
        return await monitor.runOnce();
      } finally {
        get.close();
      }
    },
  };
  return h;
}

export const kinds = (alerts: MonitorAlert[]) => alerts.map((a) => `${a.kind}@${a.index ?? '-'}`).sort();
