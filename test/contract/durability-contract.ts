// Contract for durability: everything a store acknowledged is there after it is closed and opened again.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CWM_A, CWM_B, OKE_1, T0, newMessage, pushRecord, registerDevice, trafficEntry, type ContractContext } from './store-fixtures.js';

export function defineDurabilityContract(context: ContractContext): void {
  describe('durability', () => {
    test('devices, OKMs, device states, queue states and traffic survive a reopen', async () => {
      const store = context.store;
      await registerDevice(store, CWM_A);
      await store.addDiscoveredDevice(CWM_B, T0);
      await store.touchDevice(CWM_A, T0 + 1, '203.0.113.5');

      const answered = await store.enqueueMessage(newMessage(CWM_A, { destination: [OKE_1, CWM_A] }));
      const delivered = await store.enqueueMessage(newMessage(CWM_A));
      const expired = await store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 10 }));
      const cancelled = await store.enqueueMessage(newMessage(CWM_A));
      const queued = await store.enqueueMessage(newMessage(CWM_A));
      for (const message of [answered, delivered]) {
        const leased = await store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
        assert.equal(leased?.message.id, message.id);
        await store.confirmDelivery(message.id, T0 + 2);
      }
      await store.cancelMessage(cancelled.id, T0 + 3);
      await store.expireMessages(T0 + 10);
      await store.recordPush(
        pushRecord(CWM_A, {
          originId: OKE_1,
          okmId: answered.okmId,
          receivedAtMs: T0 + 20,
          payload: { done: true },
          answerCandidate: { okmId: answered.okmId },
        }),
      );
      await store.recordPush(
        pushRecord(CWM_A, { originId: OKE_1, okmId: 500, receivedAtMs: T0 + 30, crcVerdict: 'mismatch', heartbeat: { temp: 175 } }),
      );
      await store.recordTraffic(trafficEntry(CWM_A, { body: 'kept' }), 10);
      await store.recordTraffic(trafficEntry(null, { body: 'kept too' }), 10);

      const devicesBefore = await store.listDevices(T0 + 40);
      const statesBefore = await store.listDeviceStates(CWM_A);
      const okmsBefore = await store.listOkms({ limit: 10 });
      const messagesBefore = await store.listMessages(CWM_A, T0 + 40);

      const reopened = await context.reopen();
      assert.deepEqual(await reopened.listDevices(T0 + 40), devicesBefore);
      assert.deepEqual(await reopened.listDeviceStates(CWM_A), statesBefore);
      assert.deepEqual(await reopened.listOkms({ limit: 10 }), okmsBefore);
      assert.deepEqual(await reopened.listMessages(CWM_A, T0 + 40), messagesBefore);
      assert.deepEqual(
        messagesBefore.map((message) => [message.id, message.state]),
        [
          [answered.id, 'answered'],
          [delivered.id, 'delivered'],
          [expired.id, 'expired'],
          [cancelled.id, 'cancelled'],
          [queued.id, 'queued'],
        ],
      );
      assert.deepEqual((await reopened.findMessage(answered.id))?.result, { done: true });
      const deviceA = await reopened.findDevice(CWM_A);
      assert.equal(deviceA?.okmCount, 2);
      assert.equal(deviceA?.crcFailureCount, 1);
      assert.equal(deviceA?.key, `key-of-${CWM_A}`);
      assert.equal((await reopened.findDevice(CWM_B))?.key, null);
      assert.deepEqual((await reopened.listTraffic({ limit: 10 })).map((entry) => entry.body), ['kept', 'kept too']);
    });

    test('the _id counter, the last delivery and dedup keys carry on after a reopen', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.enqueueMessage(newMessage(CWM_A));
      const second = await context.store.enqueueMessage(newMessage(CWM_A));
      await context.store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
      const leased = await context.store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
      assert.equal(leased?.message.id, second.id);
      await context.store.confirmDelivery(second.id, T0);
      const first = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'resent-after-restart' }));

      const reopened = await context.reopen();
      assert.equal((await reopened.enqueueMessage(newMessage(CWM_A))).okmId, 3);
      assert.equal(await reopened.requeueLastDelivery(CWM_A), second.id);
      const again = await reopened.recordPush(pushRecord(CWM_A, { dedupKey: 'resent-after-restart' }));
      assert.equal(again.isDuplicate, true);
      assert.equal(again.storedOkmId, first.storedOkmId);
    });
  });
}
