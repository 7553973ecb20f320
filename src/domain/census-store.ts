// The storage port for whole-fleet counts read by monitoring (GET /metrics): devices by status and the
// messages still outstanding. Each count is one aggregate query, whatever the fleet size; none lists rows.

import type { DeviceStatus } from './device-status.js';

/** Devices by the status deriveDeviceStatus gives each of them at a given instant. */
export type DeviceStatusCounts = Readonly<Record<DeviceStatus, number>>;

/**
 * Messages the queue still holds. Finished ones (answered, expired, cancelled) are history kept for
 * --message-retention-days: counting them would read all of it on every scrape.
 */
export interface OutstandingMessageCounts {
  /** Waiting to be delivered: state `queued` and not expired at the instant asked. */
  readonly queued: number;
  /** Delivered, waiting for the device's answer. */
  readonly delivered: number;
}

export interface CensusStore {
  /** Every registered or discovered device counted once, by its status at `nowMs` (device-status.ts, ONLINE_RULE). */
  countDevicesByStatus(nowMs: number): Promise<DeviceStatusCounts>;
  countOutstandingMessages(nowMs: number): Promise<OutstandingMessageCounts>;
}
