// Contract for queueing in the Store port (PROTOCOL.md A4/A5): the stored record, per-CWM `_id`
// allocation with wrap-around, and the queue depth limit.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { queuedOkmTextOf, type MessageRecord } from '../../src/domain/message-store.js';
import {
  CWM_A,
  CWM_B,
  HOUR_MS,
  LEASE_MS,
  OKE_1,
  T0,
  deliverNext,
  isCode,
  newMessage,
  registerDevice,
  stateOf,
  type ContractContext,
} from './store-fixtures.js';

export function defineEnqueueContract(context: ContractContext): void {
  describe('message queue: allocation and limits', () => {
    describe('enqueueMessage', () => {
      test('queues the message with the OKM text built for its allocated _id', async () => {
        await registerDevice(context.store, CWM_A);
        const input = newMessage(CWM_A, { destination: [OKE_1, CWM_A], cmd: 'rd', payload: { _ping: true } });
        const queued = await context.store.enqueueMessage(input);
        const expected: MessageRecord = {
          id: queued.id,
          cwmId: CWM_A,
          okmId: 1,
          destination: [OKE_1, CWM_A],
          cmd: 'rd',
          payload: { _ping: true },
          okmText: queuedOkmTextOf(input, 1),
          state: 'queued',
          createdAtMs: T0,
          expiresAtMs: T0 + HOUR_MS,
          deliveryCount: 0,
          deliveredAtMs: null,
          answeredAtMs: null,
          result: null,
          endedAtMs: null,
        };
        assert.deepEqual(queued, expected);
        assert.deepEqual(await context.store.findMessage(queued.id), expected);
        assert.deepEqual(await context.store.listMessages(CWM_A, T0), [expected]);
      });

      test('allocates _id 1, 2, 3 ... for each CWM independently', async () => {
        await registerDevice(context.store, CWM_A);
        await registerDevice(context.store, CWM_B);
        const ids: Array<[string, number]> = [];
        for (const cwmId of [CWM_A, CWM_A, CWM_B, CWM_A, CWM_B]) {
          ids.push([cwmId, (await context.store.enqueueMessage(newMessage(cwmId))).okmId]);
        }
        assert.deepEqual(ids, [[CWM_A, 1], [CWM_A, 2], [CWM_B, 1], [CWM_A, 3], [CWM_B, 2]]);
      });

      test('gives every message its own queue entry id across CWMs', async () => {
        await registerDevice(context.store, CWM_A);
        await registerDevice(context.store, CWM_B);
        const first = await context.store.enqueueMessage(newMessage(CWM_A));
        const second = await context.store.enqueueMessage(newMessage(CWM_B));
        assert.notEqual(first.id, second.id);
        assert.equal((await context.store.findMessage(second.id))?.cwmId, CWM_B);
      });

      test('refuses a CWM that is not registered with ERR_DEVICE_NOT_FOUND and stores nothing', async () => {
        await assert.rejects(context.store.enqueueMessage(newMessage(CWM_A)), isCode('ERR_DEVICE_NOT_FOUND'));
        assert.deepEqual(await context.store.listMessages(CWM_A, T0), []);
        assert.equal(await context.store.findDevice(CWM_A), null);
      });

      test('refuses a message beyond the depth limit with ERR_QUEUE_FULL, storing nothing and using no _id', async () => {
        await registerDevice(context.store, CWM_A);
        await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 2 }));
        const second = await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 2 }));
        await assert.rejects(context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 2 })), isCode('ERR_QUEUE_FULL'));
        assert.equal((await context.store.listMessages(CWM_A, T0)).length, 2);

        await context.store.cancelMessage(second.id, T0);
        const next = await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 2 }));
        assert.equal(next.okmId, 3);
      });

      test('counts only queued messages against the depth limit: delivered and expired ones make room', async () => {
        await registerDevice(context.store, CWM_A);
        await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 1 }));
        await deliverNext(context.store, CWM_A);
        await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 1, expiresAtMs: T0 + 10 }));
        const later = await context.store.enqueueMessage(newMessage(CWM_A, { maxQueued: 1, createdAtMs: T0 + 10 }));
        assert.equal(later.okmId, 3);
        assert.equal(later.state, 'queued');
      });

      test('wraps _id from 65535 to 1 and skips ids still queued or delivered', async () => {
        await registerDevice(context.store, CWM_A);
        const keepForever = { expiresAtMs: T0 + 1000 * HOUR_MS, maxQueued: 70_000 };
        const stillQueued = await context.store.enqueueMessage(newMessage(CWM_A, keepForever));
        const toDeliver = await context.store.enqueueMessage(newMessage(CWM_A, keepForever));
        const leasedFirst = await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS);
        const leasedSecond = await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS);
        assert.equal(leasedSecond?.message.id, toDeliver.id);
        await context.store.confirmDelivery(toDeliver.id, T0);
        await context.store.releaseLease(leasedFirst?.message.id ?? -1);
        assert.deepEqual([stillQueued.okmId, toDeliver.okmId], [1, 2]);

        // Drive the counter through every other _id. Each filler lives 1 ms on the fake clock, so the
        // queue stays short; all of them are expired before the counter wraps.
        const filler = (okmId: number) =>
          newMessage(CWM_A, { createdAtMs: T0 + okmId, expiresAtMs: T0 + okmId + 1, maxQueued: 70_000 });
        const allocated: number[] = [];
        for (let start = 3; start <= 65_535; start += 1000) {
          const okmIds = Array.from({ length: Math.min(1000, 65_536 - start) }, (_, i) => start + i);
          const batch = await Promise.all(okmIds.map((okmId) => context.store.enqueueMessage(filler(okmId))));
          allocated.push(...batch.map((message) => message.okmId));
        }
        const everyOtherId = Array.from({ length: 65_533 }, (_, i) => i + 3);
        assert.deepEqual([...allocated].sort((left, right) => left - right), everyOtherId);
        const wrapAtMs = T0 + 70_000;
        await context.store.expireMessages(wrapAtMs);

        const afterWrap = await context.store.enqueueMessage(newMessage(CWM_A, { ...keepForever, createdAtMs: wrapAtMs }));
        assert.equal(afterWrap.okmId, 3, '1 is still queued and 2 still delivered');
        const next = await context.store.enqueueMessage(newMessage(CWM_A, { ...keepForever, createdAtMs: wrapAtMs }));
        assert.equal(next.okmId, 4);
        assert.equal(await stateOf(context.store, stillQueued.id), 'queued');
        assert.equal(await stateOf(context.store, toDeliver.id), 'delivered');
      });
    });

  });
}
