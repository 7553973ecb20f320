// Online/offline from each CWM's own rhythm (issue: "derived from each device's usual heartbeat
// interval, not a fixed timeout"): offline once three usual intervals and the CWM's first back-off
// steps have passed without a request. This is the one definition: the stores filter and count by
// status with SQL built from these same constants (storage/device-status-sql.ts).

export type DeviceStatus = 'online' | 'offline' | 'never-seen';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['online', 'offline', 'never-seen'];

/** Assumed until a CWM has shown its own interval (PROTOCOL.md B0: at least one heartbeat a minute). */
export const DEFAULT_INTERVAL_MS = 60_000;
/** Usual intervals a CWM may miss and still count as online. */
export const MISSED_INTERVALS_ALLOWED = 3;
/** Slack for the CWM's exponential back-off after a failed request (1 s, 2 s, 4 s, ... ). */
export const BACKOFF_SLACK_MS = 30_000;

export function expectedIntervalMs(typicalIntervalMs: number | null): number {
  return typicalIntervalMs ?? DEFAULT_INTERVAL_MS;
}

export function deriveDeviceStatus(lastSeenAtMs: number | null, typicalIntervalMs: number | null, nowMs: number): DeviceStatus {
  if (lastSeenAtMs === null) return 'never-seen';
  return nowMs - lastSeenAtMs <= MISSED_INTERVALS_ALLOWED * expectedIntervalMs(typicalIntervalMs) + BACKOFF_SLACK_MS ? 'online' : 'offline';
}
