// Device status (domain/device-status.ts) as SQL conditions on `devices d`, built from the domain's own
// constants so that the store's counts and filters and deriveDeviceStatus never disagree.

import { BACKOFF_SLACK_MS, DEFAULT_INTERVAL_MS, MISSED_INTERVALS_ALLOWED, type DeviceStatus } from '../../../domain/device-status.js';

/** True for a device online at the instant in parameter `now` (a placeholder). */
export function onlineCondition(now: string): string {
  return `(d.last_seen_at IS NOT NULL AND ${now} - d.last_seen_at <= ${MISSED_INTERVALS_ALLOWED} * coalesce(d.typical_interval_ms, ${DEFAULT_INTERVAL_MS}) + ${BACKOFF_SLACK_MS})`;
}

/** True for a device seen, and not online at `now`. */
export function offlineCondition(now: string): string {
  return `(d.last_seen_at IS NOT NULL AND ${now} - d.last_seen_at > ${MISSED_INTERVALS_ALLOWED} * coalesce(d.typical_interval_ms, ${DEFAULT_INTERVAL_MS}) + ${BACKOFF_SLACK_MS})`;
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
