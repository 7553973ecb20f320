// Device status (domain/device-status.ts) as SQL conditions on `devices d`, built from the domain's own
// constants so that the store's counts and filters and deriveDeviceStatus never disagree.

import { DEFAULT_INTERVAL_MS, ONLINE_RULE, type DeviceStatus } from '../../../domain/device-status.js';

/** How long after its last request a device is still online, in SQL, given the expression of its usual interval. */
export function onlineBoundSql(typicalIntervalMs: string): string {
  return `${ONLINE_RULE.intervalMultiple} * coalesce(${typicalIntervalMs}, ${DEFAULT_INTERVAL_MS}) + ${ONLINE_RULE.backoffSlackMs}`;
}

/** A device's own bound, in SQL on `devices d`. */
const ONLINE_BOUND_MS = onlineBoundSql('d.typical_interval_ms');

/** True for a device online at the instant in parameter `now` (a placeholder). */
export function onlineCondition(now: string): string {
  return `(d.last_seen_at IS NOT NULL AND ${now} - d.last_seen_at <= ${ONLINE_BOUND_MS})`;
}

/** True for a device seen, and not online at `now`. */
export function offlineCondition(now: string): string {
  return `(d.last_seen_at IS NOT NULL AND ${now} - d.last_seen_at > ${ONLINE_BOUND_MS})`;
}

/** `now` is called only for a status that depends on the time (it adds the statement's parameter). */
export function statusCondition(status: DeviceStatus, now: () => string): string {
  switch (status) {
    case 'online':
      return onlineCondition(now());
    case 'offline':
      return offlineCondition(now());
    case 'never-seen':
      return '(d.last_seen_at IS NULL)';
  }
}
