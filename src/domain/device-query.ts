// The fleet table as the store answers it: filtered, sorted and paged by the store, with the total, so
// a request costs its page and not the fleet (STYLE.md "cost follows the answer").

import type { DeviceSummary } from './device-store.js';
import type { DeviceStatus } from './device-status.js';

export const DEVICE_SORT_KEYS = ['id', 'name', 'lastSeen', 'queued', 'crcFailures'] as const;
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

export interface DeviceQuery {
  /** Text found in the id or the name, ASCII letters in any case; null: every device. */
  readonly search: string | null;
  /** Status at the query's `nowMs` (device-status.ts); null: any. */
  readonly status: DeviceStatus | null;
  /** CWMs at this site (sites/site-store.ts); null or absent: any. */
  readonly siteId?: number | null;
  /** CWMs carrying this tag (tags/tag-store.ts, kind `device`); null or absent: any. */
  readonly tag?: string | null;
  /**
   * `name` compares names case-insensitively, a device without one as ''; `lastSeen` puts never-seen
   * devices first (ascending). Ties go by id, in the same order.
   */
  readonly sort: DeviceSortKey;
  readonly order: SortOrder;
  readonly limit: number;
  readonly offset: number;
}

/** A row of the fleet table: the device, its queued messages and the OKEs seen behind it. */
export interface DeviceListing extends DeviceSummary {
  /** The origin devices seen behind this CWM (itself excluded), by id. */
  readonly okeIds: readonly string[];
}

export interface DevicePage {
  readonly items: readonly DeviceListing[];
  /** Devices matching the filters, on every page. */
  readonly total: number;
}
