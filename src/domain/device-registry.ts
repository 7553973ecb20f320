// Registers CWMs with their provisioning keys (the HMAC keys of PROTOCOL.md A3) and lists the fleet.

import { OpenTpsError } from '../errors.js';
import { isValidDeviceId } from '../protocol/device-id.js';
import type { Clock } from './clock.js';
import type { DeviceChanges, DeviceRecord, DeviceSummary } from './device-store.js';
import type { Store } from './store.js';

export interface DeviceRegistryDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** A fresh random provisioning key (hex). */
  readonly generateKey: () => string;
}

export interface AddDeviceInput {
  readonly id: string;
  readonly key?: string | undefined;
  readonly name?: string | undefined;
}

export interface DeviceRegistry {
  /** @throws OpenTpsError ERR_DEVICE_ID_INVALID, ERR_DEVICE_KEY_INVALID, ERR_DEVICE_NAME_INVALID, ERR_DEVICE_EXISTS */
  addDevice(input: AddDeviceInput): Promise<{ device: DeviceRecord; key: string }>;
  listDevices(): Promise<DeviceSummary[]>;
  /** @throws OpenTpsError ERR_DEVICE_NAME_INVALID, ERR_DEVICE_NOT_FOUND */
  updateDevice(id: string, changes: DeviceChanges): Promise<DeviceRecord>;
  /** Sets a new provisioning key (generated when absent) and returns it. @throws ERR_DEVICE_KEY_INVALID, ERR_DEVICE_NOT_FOUND */
  rotateKey(id: string, key?: string): Promise<string>;
}

const KEY = /^[!-~]{8,256}$/;
// Control characters (C0, DEL, C1) are refused in names so they cannot corrupt terminals or logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function createDeviceRegistry(deps: DeviceRegistryDeps): DeviceRegistry {
  return {
    async addDevice(input) {
      if (!isValidDeviceId(input.id)) throw new OpenTpsError('ERR_DEVICE_ID_INVALID', JSON.stringify(input.id));
      const key = input.key ?? deps.generateKey();
      if (!KEY.test(key)) throw new OpenTpsError('ERR_DEVICE_KEY_INVALID');
      const name = input.name ?? null;
      if (name !== null && (name.length > 200 || CONTROL.test(name))) throw new OpenTpsError('ERR_DEVICE_NAME_INVALID');
      const device = await deps.store.addDevice({ id: input.id, key, name, createdAtMs: deps.clock.nowMs() });
      return { device, key };
    },
    async listDevices() {
      return deps.store.listDevices(deps.clock.nowMs());
    },
    async updateDevice(id, changes) {
      const name = changes.name;
      if (name !== undefined && name !== null && (name.length > 200 || CONTROL.test(name))) throw new OpenTpsError('ERR_DEVICE_NAME_INVALID');
      return deps.store.updateDevice(id, changes);
    },
    async rotateKey(id, key) {
      const newKey = key ?? deps.generateKey();
      if (!KEY.test(newKey)) throw new OpenTpsError('ERR_DEVICE_KEY_INVALID');
      await deps.store.setDeviceKey(id, newKey);
      return newKey;
    },
  };
}
