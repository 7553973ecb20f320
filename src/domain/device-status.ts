// Online/offline from each CWM's own rhythm (issue: "derived from each device's usual heartbeat
// interval, not a fixed timeout"): offline once three usual intervals and the CWM's first back-off
// steps have passed without a request.

export type DeviceStatus = 'online' | 'offline' | 'never-seen';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['online', 'offline', 'never-seen'];

/** Assumed until a CWM has shown its own interval (PROTOCOL.md B0: at least one heartbeat a minute). */
export const DEFAULT_INTERVAL_MS = 60_000;

/**
 * The rule, as numbers a store can also apply in one aggregate query (census-store.ts, and the console's
 * fleet reads: storage/fleet-sql/device-status-sql.ts): online while
 * `now - lastSeen <= intervalMultiple * (typicalInterval ?? DEFAULT_INTERVAL_MS) + backoffSlackMs`.
 */
export const ONLINE_RULE = {
  intervalMultiple: 3,
  /** Slack for the CWM's exponential back-off after a failed request (1 s, 2 s, 4 s, ... ). */
  backoffSlackMs: 30_000,
} as const;

export function expectedIntervalMs(typicalIntervalMs: number | null): number {
  return typicalIntervalMs ?? DEFAULT_INTERVAL_MS;
}

export function deriveDeviceStatus(lastSeenAtMs: number | null, typicalIntervalMs: number | null, nowMs: number): DeviceStatus {
  if (lastSeenAtMs === null) return 'never-seen';
  return nowMs - lastSeenAtMs <= ONLINE_RULE.intervalMultiple * expectedIntervalMs(typicalIntervalMs) + ONLINE_RULE.backoffSlackMs ? 'online' : 'offline';
}
