// Contract for the device half of the Store port: registration, discovery, sightings, device states.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../src/errors.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, newMessage, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

export function defineDeviceStoreContract(context: ContractContext): void {
  describe('devices', () => {
    test('addDevice stores a registered device and findDevice returns it', async () => {
      const added = await context.store.addDevice({ id: CWM_A, key: 'secret-key-1', name: 'Fryer 1', createdAtMs: T0 });
      const expected = {
        id: CWM_A,
        name: 'Fryer 1',
        key: 'secret-key-1',
        isDisabled: false,
        timeZone: null,
        createdAtMs: T0,
        lastSeenAtMs: null,
        lastRemoteAddress: null,
        okmCount: 0,
        crcFailureCount: 0,
        typicalIntervalMs: null,
        replaysRefusedCount: 0,
        siteId: null,
      };
      assert.deepEqual(added, expected);
      assert.deepEqual(await context.store.findDevice(CWM_A), expected);
    });

    test('findDevice returns null for an id never seen', async () => {
      assert.equal(await context.store.findDevice(CWM_A), null);
    });

    test('addDevice refuses an id that is already registered and keeps the first key', async () => {
      await context.store.addDevice({ id: CWM_A, key: 'first-key-1', name: null, createdAtMs: T0 });
      await assert.rejects(
        context.store.addDevice({ id: CWM_A, key: 'second-key-2', name: null, createdAtMs: T0 + 1 }),
        (error: unknown) => isOpenTpsError(error, 'ERR_DEVICE_EXISTS'),
      );
      assert.equal((await context.store.findDevice(CWM_A))?.key, 'first-key-1');
    });

    test('addDiscoveredDevice records a key-less device once and leaves an existing one alone', async () => {
      await context.store.addDiscoveredDevice(CWM_A, T0);
      await context.store.addDiscoveredDevice(CWM_A, T0 + 5);
      const discovered = await context.store.findDevice(CWM_A);
      assert.equal(discovered?.key, null);
      assert.equal(discovered?.createdAtMs, T0);

      await registerDevice(context.store, CWM_B);
      await context.store.addDiscoveredDevice(CWM_B, T0 + 5);
      assert.equal((await context.store.findDevice(CWM_B))?.key, `key-of-${CWM_B}`);
    });

    test('addDevice upgrades a discovered key-less device instead of refusing it', async () => {
      await context.store.addDiscoveredDevice(CWM_A, T0);
      const upgraded = await context.store.addDevice({ id: CWM_A, key: 'late-key-123', name: 'Oven', createdAtMs: T0 + 1000 });
      assert.equal(upgraded.key, 'late-key-123');
      assert.equal(upgraded.name, 'Oven');
      assert.equal((await context.store.findDevice(CWM_A))?.key, 'late-key-123');
      await assert.rejects(
        context.store.addDevice({ id: CWM_A, key: 'third-key-33', name: null, createdAtMs: T0 + 2000 }),
        (error: unknown) => isOpenTpsError(error, 'ERR_DEVICE_EXISTS'),
      );
    });

    test('touchDevice records when and from where the device was last seen', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.touchDevice(CWM_A, T0 + 10, '198.51.100.7');
      await context.store.touchDevice(CWM_A, T0 + 20, null);
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.lastSeenAtMs, T0 + 20);
      assert.equal(device?.lastRemoteAddress, '198.51.100.7');
    });

    test('listDevices lists every device with its count of queued, unexpired messages', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.addDiscoveredDevice(CWM_B, T0);
      await context.store.enqueueMessage(newMessage(CWM_A));
      await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 10 }));
      const devices = await context.store.listDevices(T0 + 100);
      const byId = new Map(devices.map((device) => [device.id, device]));
      assert.equal(devices.length, 2);
      assert.equal(byId.get(CWM_A)?.queuedCount, 1);
      assert.equal(byId.get(CWM_B)?.queuedCount, 0);
      assert.equal(byId.get(CWM_B)?.key, null);
    });

    test('device states merge heartbeat fields across partial heartbeats and keep the last heartbeat as sent', async () => {
      await registerDevice(context.store, CWM_A);
      const beat = (okmId: number, atMs: number, heartbeat: Record<string, unknown>) =>
        context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_1, okmId, receivedAtMs: atMs, payload: { _hbt: heartbeat }, heartbeat }),
        );
      await beat(1, T0, { temp: 180, door: 0 });
      await beat(2, T0 + 60_000, { door: 1 });
      await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 3, receivedAtMs: T0 + 90_000, payload: { alarm: 'low oil' } }));

      const states = await context.store.listDeviceStates(CWM_A);
      assert.equal(states.length, 1);
      const [state] = states;
      assert.equal(state?.deviceId, OKE_1);
      assert.equal(state?.cwmId, CWM_A);
      assert.equal(state?.firstSeenAtMs, T0);
      assert.equal(state?.lastSeenAtMs, T0 + 90_000);
      assert.deepEqual(state?.lastHeartbeat, { door: 1 });
      assert.equal(state?.lastHeartbeatAtMs, T0 + 60_000);
      assert.deepEqual(state?.latestFields, { temp: 180, door: 1 });
    });

    test('device states are kept per origin device and listed for the CWM that carried them', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 1, heartbeat: { temp: 1 } }));
      await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_2, okmId: 1, heartbeat: { temp: 2 } }));
      await context.store.recordPush(pushRecord(CWM_B, { okmId: 1, heartbeat: { rssi: -60 } }));

      const statesA = await context.store.listDeviceStates(CWM_A);
      assert.deepEqual(
        statesA
          .sort((left, right) => left.deviceId.localeCompare(right.deviceId))
          .map((state) => [state.deviceId, state.latestFields]),
        [[OKE_1, { temp: 1 }], [OKE_2, { temp: 2 }]],
      );
      const statesB = await context.store.listDeviceStates(CWM_B);
      assert.deepEqual(statesB.map((state) => [state.deviceId, state.latestFields]), [[CWM_B, { rssi: -60 }]]);
    });
  });
}
