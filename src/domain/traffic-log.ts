// The device requests the traffic recorder kept, as they may leave the server: without signatures, even
// for entries recorded before signatures were taken out at recording (traffic-redaction.ts).

import { redactTrafficEntry } from './traffic-redaction.js';
import type { StoredTrafficEntry, TrafficQuery, TrafficStore } from './traffic-store.js';

export interface TrafficLogDeps {
  readonly store: Pick<TrafficStore, 'listTraffic'>;
}

export interface TrafficLog {
  /** Newest last; `deviceId` null: the requests of unknown senders, undefined: all. */
  listEntries(query: TrafficQuery): Promise<StoredTrafficEntry[]>;
}

/** @example const traffic = createTrafficLog({ store }); await traffic.listEntries({ deviceId: null, limit: 100 }); */
export function createTrafficLog(deps: TrafficLogDeps): TrafficLog {
  return {
    async listEntries(query) {
      return (await deps.store.listTraffic(query)).map((entry) => redactTrafficEntry(entry));
    },
  };
}
