// The storage port for registered devices (CWMs) and the latest state of every device seen.

import type { DevicePage, DeviceQuery } from './device-query.js';
import type { FleetProblemRules, FleetSummary } from './fleet-summary.js';
import type { PullAdmission, PullReading } from './pull-replay-guard.js';

export interface DeviceRecord {
  readonly id: string;
  readonly name: string | null;
  /** The provisioning key that signs the device's requests; null for a device only discovered in `open` mode. */
  readonly key: string | null;
  readonly isDisabled: boolean;
  /** IANA time zone for /time answers; null means the server's default. */
  readonly timeZone: string | null;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number | null;
  readonly lastRemoteAddress: string | null;
  readonly okmCount: number;
  readonly crcFailureCount: number;
  /** The CWM's usual heartbeat interval (moving average of its own heartbeats); null until two were seen. */
  readonly typicalIntervalMs: number | null;
  /** Signed pulls refused as replays (pull-replay-guard.ts). */
  readonly replaysRefusedCount: number;
  /** The site the CWM is at (sites/site-store.ts); null: none. */
  readonly siteId: number | null;
}

/** What authenticating a request needs: read on every device request, so backends may cache it. */
export type DeviceCredentials = Pick<DeviceRecord, 'id' | 'key' | 'isDisabled' | 'timeZone'>;

export interface DeviceSummary extends DeviceRecord {
  /** Messages waiting to be delivered (state `queued`, not expired). */
  readonly queuedCount: number;
}

/** Latest state of one device that sends OKMs: a CWM itself or an OKE behind it. */
export interface DeviceState {
  readonly deviceId: string;
  readonly cwmId: string;
  readonly firstSeenAtMs: number;
  readonly lastSeenAtMs: number;
  /** The last `_pld._hbt` object as sent. */
  readonly lastHeartbeat: Record<string, unknown> | null;
  readonly lastHeartbeatAtMs: number | null;
  /** Every heartbeat field with its latest value (heartbeats may carry only some fields). */
  readonly latestFields: Record<string, unknown>;
}

export interface NewDevice {
  readonly id: string;
  readonly key: string | null;
  readonly name: string | null;
  readonly createdAtMs: number;
}

export interface DeviceChanges {
  readonly name?: string | null;
  readonly isDisabled?: boolean;
  readonly timeZone?: string | null;
}

export interface DeviceStore {
  /** @throws OpenTpsError ERR_DEVICE_EXISTS when the id is taken by a registered device. A discovered (key-less) device is upgraded. */
  addDevice(device: NewDevice): Promise<DeviceRecord>;
  /** Records a device first seen in `open` mode (no key); does nothing when it exists. */
  addDiscoveredDevice(id: string, atMs: number): Promise<void>;
  findDevice(id: string): Promise<DeviceRecord | null>;
  /** The credentials of a device; current with every committed change, from any process. */
  findDeviceCredentials(id: string): Promise<DeviceCredentials | null>;
  /** Every device, by id: the CLI's listing. The console reads the fleet through FleetReadStore instead. */
  listDevices(nowMs: number): Promise<DeviceSummary[]>;
  listDeviceStates(cwmId: string): Promise<DeviceState[]>;
  /** @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  updateDevice(id: string, changes: DeviceChanges): Promise<DeviceRecord>;
  /** Replaces the provisioning key. @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  setDeviceKey(id: string, key: string): Promise<void>;
  /**
   * Takes or refuses a signed pull against the CWM's replay mark (pull-replay-guard.ts), atomically with
   * every other node: a taken pull moves the mark and marks the CWM seen; a refused one only counts.
   * The mark is cleared when the device's key changes.
   */
  admitSignedPull(id: string, reading: PullReading, remoteAddress: string | null): Promise<PullAdmission>;
  /** Marks a CWM as seen (on /pull and other requests that store no OKM). */
  touchDevice(id: string, atMs: number, remoteAddress: string | null): Promise<void>;
}

/** The fleet as the console reads it: the store filters, sorts, pages and counts, so a read costs its answer. */
export interface FleetReadStore {
  /** One page of the fleet table, filtered, sorted and counted by the store (device-query.ts). */
  queryDevices(query: DeviceQuery, nowMs: number): Promise<DevicePage>;
  /**
   * Counts by status at `nowMs` and, for each kind of problem, how many devices have it and at most
   * `listedPerKind` of them (fleet-summary.ts): the answer's size never follows the fleet's. `rules`: what
   * makes messages a problem (fleet-overview.ts); FLEET_PROBLEM_RULES when left out, for the callers
   * written before the fleet overview service (issue 14).
   */
  summarizeFleet(nowMs: number, listedPerKind: number, rules: FleetProblemRules): Promise<FleetSummary>;
}
