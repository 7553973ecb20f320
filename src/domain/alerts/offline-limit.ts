// When a CWM counts as offline for an offline condition (issue 16): silent for N of its own usual intervals plus
// the back-off slack of the fleet's online rule (device-status.ts), and the value an offline alert shows. One
// definition for the engine's deadlines and the rule editor's preview.

import type { AlertValue } from './alert-store.js';
import { DEFAULT_INTERVAL_MS, ONLINE_RULE } from '../device-status.js';

/** How long a CWM with this usual interval may be silent before `intervals` of them count as offline. */
export function offlineLimitMs(intervals: number, typicalIntervalMs: number | null): number {
  return intervals * (typicalIntervalMs ?? DEFAULT_INTERVAL_MS) + ONLINE_RULE.backoffSlackMs;
}

/** What an offline alert holds on: how long the CWM has been silent, and since when. */
export function offlineValueOf(silentMs: number, lastSeenAtMs: number): AlertValue {
  return { silentS: Math.round(silentMs / 1000), lastSeenAt: new Date(lastSeenAtMs).toISOString() };
}
