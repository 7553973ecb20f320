// One CWM as the console shows it (its record, the states of the devices seen through it, its queued
// messages) and the fleet table's pages. Each answer says the instant it was read at, which the status
// of every device in it is derived for (device-status.ts).

import { OpenTpsError } from '../errors.js';
import type { Clock } from './clock.js';
import type { DevicePage, DeviceQuery } from './device-query.js';
import type { DeviceRecord, DeviceState, DeviceStore, FleetReadStore } from './device-store.js';
import type { MessageStore } from './message-store.js';

/** What the directory reads from the store. */
export type DeviceDirectoryStore = Pick<DeviceStore, 'findDevice' | 'listDeviceStates'> &
  Pick<FleetReadStore, 'queryDevices'> &
  Pick<MessageStore, 'countQueuedMessages'>;

export interface DeviceDirectoryDeps {
  readonly store: DeviceDirectoryStore;
  readonly clock: Clock;
}

export interface DeviceDetails {
  readonly device: DeviceRecord;
  /** The CWM's own state (when it has sent an OKM) and each OKE's seen behind it. */
  readonly states: readonly DeviceState[];
  /** The origin devices seen behind the CWM, itself excluded. */
  readonly okeIds: readonly string[];
  /** Messages waiting to be delivered at `atMs`. */
  readonly queuedCount: number;
  readonly atMs: number;
}

export interface FleetPage extends DevicePage {
  /** The instant the statuses were filtered and counted at. */
  readonly atMs: number;
}

export interface DeviceDirectory {
  /** One page of the fleet table, filtered, sorted and counted by the store at the clock's now. */
  queryFleet(query: DeviceQuery): Promise<FleetPage>;
  /** @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  requireDevice(id: string): Promise<DeviceRecord>;
  /** @throws OpenTpsError ERR_DEVICE_NOT_FOUND */
  readDetails(id: string): Promise<DeviceDetails>;
  /** The details of a record just read or changed (the registry's answer to an update), without reading it again. */
  detailsOf(device: DeviceRecord): Promise<DeviceDetails>;
}

/** @example const directory = createDeviceDirectory({ store, clock }); await directory.readDetails(cwmId); */
export function createDeviceDirectory(deps: DeviceDirectoryDeps): DeviceDirectory {
  const requireDevice = async (id: string): Promise<DeviceRecord> => {
    const device = await deps.store.findDevice(id);
    if (!device) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
    return device;
  };
  const detailsOf = async (device: DeviceRecord): Promise<DeviceDetails> => {
    const atMs = deps.clock.nowMs();
    const [states, queuedCount] = await Promise.all([deps.store.listDeviceStates(device.id), deps.store.countQueuedMessages(device.id, atMs)]);
    const okeIds = states.filter((state) => state.deviceId !== device.id).map((state) => state.deviceId);
    return { device, states, okeIds, queuedCount, atMs };
  };
  return {
    async queryFleet(query) {
      const atMs = deps.clock.nowMs();
      return { ...(await deps.store.queryDevices(query, atMs)), atMs };
    },
    requireDevice,
    async readDetails(id) {
      return detailsOf(await requireDevice(id));
    },
    detailsOf,
  };
}
