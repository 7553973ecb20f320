// The traffic recorder: every device request, known path or not, kept raw with our answer, in a
// bounded ring per registered device and one for unknown senders (PROTOCOL.md A6).

import type { TrafficEntry, TrafficStore } from './traffic-store.js';
import { redactTrafficEntry } from './traffic-redaction.js';

/** Headers never recorded: credentials of other kinds that a misconfigured client might send. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export interface TrafficRecorderDeps {
  readonly store: TrafficStore;
  readonly keepPerDevice: number;
}

export interface TrafficRecorder {
  record(entry: TrafficEntry): Promise<void>;
}

/** Copies header values as strings, dropping credentials. */
export function recordableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

export function createTrafficRecorder(deps: TrafficRecorderDeps): TrafficRecorder {
  return {
    record(entry) {
      // Stored without signatures: the traffic is read by operators, exported and backed up, and a signed
      // URL is a credential (docs/replay-protection.md).
      return deps.store.recordTraffic(redactTrafficEntry(entry), deps.keepPerDevice);
    },
  };
}
