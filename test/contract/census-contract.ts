// Contract for the whole-fleet counts GET /metrics reads (census-store.ts): devices by status as the
// domain rule judges each one, and the messages the queue still holds.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveDeviceStatus, type DeviceStatus } from '../../src/domain/device-status.js';
import { CWM_A, CWM_B, T0, deliverNext, newMessage, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

const CWM_C = '0002CCCCCCCCCCCC';

export function defineCensusContract(context: ContractContext): void {
  describe('census', () => {
    test('devices are counted by the status deriveDeviceStatus gives each of them, at every instant', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.addDiscoveredDevice(CWM_C, T0);
      // CWM_B heartbeats every 20 s (a typical interval of its own), CWM_C once (the default interval applies).
      for (let i = 0; i < 5; i++) await context.store.recordPush(pushRecord(CWM_B, { okmId: i + 1, receivedAtMs: T0 + i * 20_000, heartbeat: { ti: 20 } }));
      await context.store.recordPush(pushRecord(CWM_C, { receivedAtMs: T0 + 80_000 }));
      assert.equal((await context.store.findDevice(CWM_B))?.typicalIntervalMs, 20_000);
      const lastB = T0 + 80_000;
      // Around each device's boundary (3 intervals + 30 s after it was last seen), one ms either side.
      for (const nowMs of [lastB, lastB + 90_000, lastB + 90_001, lastB + 210_000, lastB + 210_001]) {
        const expected: Record<DeviceStatus, number> = { online: 0, offline: 0, 'never-seen': 0 };
        for (const device of await context.store.listDevices(nowMs)) expected[deriveDeviceStatus(device.lastSeenAtMs, device.typicalIntervalMs, nowMs)]++;
        assert.deepEqual(await context.store.countDevicesByStatus(nowMs), expected, `at T0 + ${nowMs - T0} ms`);
      }
      assert.deepEqual(await context.store.countDevicesByStatus(lastB + 90_001), { online: 1, offline: 1, 'never-seen': 1 });
    });

    test('an empty store counts nothing', async () => {
      assert.deepEqual(await context.store.countDevicesByStatus(T0), { online: 0, offline: 0, 'never-seen': 0 });
      assert.deepEqual(await context.store.countOutstandingMessages(T0), { queued: 0, delivered: 0 });
    });

    test('queued messages are counted until they expire or are delivered, delivered ones until answered or cancelled', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.enqueueMessage(newMessage(CWM_A));
      await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 1000 }));
      const forB = await context.store.enqueueMessage(newMessage(CWM_B));
      assert.deepEqual(await context.store.countOutstandingMessages(T0), { queued: 3, delivered: 0 });
      assert.deepEqual(await context.store.countOutstandingMessages(T0 + 1000), { queued: 2, delivered: 0 }, 'an expired message no longer waits');
      const delivered = await deliverNext(context.store, CWM_A);
      assert.deepEqual(await context.store.countOutstandingMessages(T0 + 1000), { queued: 1, delivered: 1 });
      await context.store.cancelMessage(delivered.id, T0 + 2000);
      await context.store.cancelMessage(forB.id, T0 + 2000);
      assert.deepEqual(await context.store.countOutstandingMessages(T0 + 2000), { queued: 0, delivered: 0 });
    });
  });
}
