// Online/offline from each CWM's own rhythm (issue: "derived from each device's usual heartbeat
// interval, not a fixed timeout"): offline once three usual intervals and the CWM's first back-off
// steps have passed without a request.

export type DeviceStatus = 'online' | 'offline' | 'never-seen';

/** Assumed until a CWM has shown its own interval (PROTOCOL.md B0: at least one heartbeat a minute). */
export const DEFAULT_INTERVAL_MS = 60_000;
/** Slack for the CWM's exponential back-off after a failed request (1 s, 2 s, 4 s, ... ). */
const BACKOFF_SLACK_MS = 30_000;

export function expectedIntervalMs(typicalIntervalMs: number | null): number {
  return typicalIntervalMs ?? DEFAULT_INTERVAL_MS;
}

export function deriveDeviceStatus(lastSeenAtMs: number | null, typicalIntervalMs: number | null, nowMs: number): DeviceStatus {
  if (lastSeenAtMs === null) return 'never-seen';
  return nowMs - lastSeenAtMs <= 3 * expectedIntervalMs(typicalIntervalMs) + BACKOFF_SLACK_MS ? 'online' : 'offline';
}
