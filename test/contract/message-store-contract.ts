// Contract for the durable per-CWM message queue of the Store port (PROTOCOL.md A4): leases,
// delivery, expiry, lokm requeue and cancellation.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CWM_A,
  CWM_B,
  LEASE_MS,
  T0,
  deliverNext,
  isCode,
  newMessage,
  pushRecord,
  registerDevice,
  stateOf,
  type ContractContext,
} from './store-fixtures.js';

export function defineMessageStoreContract(context: ContractContext): void {
  describe('message queue', () => {
    describe('leasing and delivery', () => {
      test('leases messages oldest first', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = [];
        for (let i = 0; i < 3; i++) queued.push(await context.store.enqueueMessage(newMessage(CWM_A, { payload: { n: i } })));
        const delivered = [];
        for (let i = 0; i < 3; i++) delivered.push((await deliverNext(context.store, CWM_A)).id);
        assert.deepEqual(delivered, queued.map((message) => message.id));
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS), null);
      });

      test('returns null when nothing is queued for the CWM', async () => {
        await registerDevice(context.store, CWM_A);
        await registerDevice(context.store, CWM_B);
        await context.store.enqueueMessage(newMessage(CWM_B));
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS), null);
      });

      test('does not lease a leased message again until its lease has passed', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        const first = await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS);
        assert.equal(first?.message.id, queued.id);
        assert.equal(first?.message.state, 'queued');
        assert.equal(first?.message.deliveryCount, 1);
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + 1, T0 + 1 + LEASE_MS), null);
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + LEASE_MS - 1, T0 + 2 * LEASE_MS), null);
        const again = await context.store.leaseNextMessage(CWM_A, T0 + LEASE_MS, T0 + 2 * LEASE_MS);
        assert.equal(again?.message.id, queued.id);
        assert.equal(again?.message.deliveryCount, 2);
      });

      test('skips a leased message and hands out the next one meanwhile', async () => {
        await registerDevice(context.store, CWM_A);
        const first = await context.store.enqueueMessage(newMessage(CWM_A));
        const second = await context.store.enqueueMessage(newMessage(CWM_A));
        assert.equal((await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS))?.message.id, first.id);
        assert.equal((await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS))?.message.id, second.id);
      });

      test('releaseLease makes the message leasable again at once', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS);
        await context.store.releaseLease(queued.id);
        assert.equal(await stateOf(context.store, queued.id), 'queued');
        assert.equal((await context.store.leaseNextMessage(CWM_A, T0 + 1, T0 + 1 + LEASE_MS))?.message.id, queued.id);
      });

      test('confirmDelivery marks the message delivered and it is never leased again', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        await context.store.leaseNextMessage(CWM_A, T0, T0 + LEASE_MS);
        await context.store.confirmDelivery(queued.id, T0 + 5);
        const delivered = await context.store.findMessage(queued.id);
        assert.equal(delivered?.state, 'delivered');
        assert.equal(delivered?.deliveredAtMs, T0 + 5);
        assert.equal(delivered?.deliveryCount, 1);
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + 2 * LEASE_MS, T0 + 3 * LEASE_MS), null);
        assert.equal(await context.store.hasPendingMessages(CWM_A, T0 + 6), false);
      });

      test('isMorePending says whether other deliverable messages remain', async () => {
        await registerDevice(context.store, CWM_A);
        await context.store.enqueueMessage(newMessage(CWM_A));
        await context.store.enqueueMessage(newMessage(CWM_A));
        await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 10 }));
        const first = await context.store.leaseNextMessage(CWM_A, T0 + 20, T0 + 20 + LEASE_MS);
        assert.equal(first?.isMorePending, true);
        await context.store.confirmDelivery(first?.message.id ?? -1, T0 + 20);
        const second = await context.store.leaseNextMessage(CWM_A, T0 + 20, T0 + 20 + LEASE_MS);
        assert.equal(second?.isMorePending, false, 'the only other queued message has expired');
      });

      test('hasPendingMessages is true while an unexpired message is queued', async () => {
        await registerDevice(context.store, CWM_A);
        assert.equal(await context.store.hasPendingMessages(CWM_A, T0), false);
        await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 100 }));
        assert.equal(await context.store.hasPendingMessages(CWM_A, T0), true);
        assert.equal(await context.store.hasPendingMessages(CWM_B, T0), false);
        assert.equal(await context.store.hasPendingMessages(CWM_A, T0 + 100), false);
      });
    });

    describe('expiry', () => {
      test('a message past its expiry is never leased and leaseNextMessage marks it expired', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 100 }));
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + 100, T0 + 100 + LEASE_MS), null);
        const expired = await context.store.findMessage(queued.id);
        assert.equal(expired?.state, 'expired');
        assert.equal(expired?.endedAtMs, T0 + 100);
        assert.equal(expired?.deliveryCount, 0);
      });

      test('expireMessages expires every overdue queued message of every CWM and counts them', async () => {
        await registerDevice(context.store, CWM_A);
        await registerDevice(context.store, CWM_B);
        const delivered = await context.store.enqueueMessage(newMessage(CWM_B, { expiresAtMs: T0 + 60 }));
        await deliverNext(context.store, CWM_B);
        const overdueA = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 100 }));
        const overdueB = await context.store.enqueueMessage(newMessage(CWM_B, { expiresAtMs: T0 + 50 }));
        const alive = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 1000 }));
        const cancelled = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 60 }));
        await context.store.cancelMessage(cancelled.id, T0);

        assert.equal(await context.store.expireMessages(T0 + 100), 2);
        assert.equal(await stateOf(context.store, overdueA.id), 'expired');
        assert.equal(await stateOf(context.store, overdueB.id), 'expired');
        assert.equal((await context.store.findMessage(overdueB.id))?.endedAtMs, T0 + 100);
        assert.equal(await stateOf(context.store, alive.id), 'queued');
        assert.equal(await stateOf(context.store, delivered.id), 'delivered', 'a delivered message awaits its answer, it does not expire');
        assert.equal(await stateOf(context.store, cancelled.id), 'cancelled');
        assert.equal(await context.store.expireMessages(T0 + 100), 0);
      });

      test('listMessages shows an overdue queued message as expired before any sweep', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 100 }));
        const listed = async (nowMs: number) => (await context.store.listMessages(CWM_A, nowMs)).map((m) => [m.id, m.state]);
        assert.deepEqual(await listed(T0 + 99), [[queued.id, 'queued']]);
        assert.deepEqual(await listed(T0 + 100), [[queued.id, 'expired']]);
      });
    });

    describe('requeueLastDelivery (lokm:false)', () => {
      test('puts the last delivered message back in the queue and returns its id', async () => {
        await registerDevice(context.store, CWM_A);
        await context.store.enqueueMessage(newMessage(CWM_A));
        const second = await context.store.enqueueMessage(newMessage(CWM_A));
        await deliverNext(context.store, CWM_A);
        await deliverNext(context.store, CWM_A);
        assert.equal(await context.store.requeueLastDelivery(CWM_A), second.id);
        assert.equal(await stateOf(context.store, second.id), 'queued');
        const redelivered = await context.store.leaseNextMessage(CWM_A, T0 + 1, T0 + 1 + LEASE_MS);
        assert.equal(redelivered?.message.id, second.id);
        assert.equal(redelivered?.message.okmText, second.okmText);
        assert.equal(redelivered?.message.deliveryCount, 2);
      });

      test('returns null when nothing was delivered, and only requeues a delivery once', async () => {
        await registerDevice(context.store, CWM_A);
        assert.equal(await context.store.requeueLastDelivery(CWM_A), null);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        assert.equal(await context.store.requeueLastDelivery(CWM_A), null);
        await deliverNext(context.store, CWM_A);
        assert.equal(await context.store.requeueLastDelivery(CWM_A), queued.id);
        assert.equal(await context.store.requeueLastDelivery(CWM_A), null);
      });

      test('returns null and leaves the message alone once it has been answered', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        await deliverNext(context.store, CWM_A);
        await context.store.recordPush(pushRecord(CWM_A, { okmId: queued.okmId, payload: { ok: true }, answerCandidate: { okmId: queued.okmId } }));
        assert.equal(await context.store.requeueLastDelivery(CWM_A), null);
        assert.equal(await stateOf(context.store, queued.id), 'answered');
      });
    });

    describe('cancelMessage', () => {
      test('cancels a queued message, which is then never leased', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        const cancelled = await context.store.cancelMessage(queued.id, T0 + 7);
        assert.equal(cancelled.state, 'cancelled');
        assert.equal(cancelled.endedAtMs, T0 + 7);
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + 8, T0 + 8 + LEASE_MS), null);
        assert.equal(await context.store.hasPendingMessages(CWM_A, T0 + 8), false);
      });

      test('cancels a delivered message', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A));
        await deliverNext(context.store, CWM_A);
        assert.equal((await context.store.cancelMessage(queued.id, T0 + 7)).state, 'cancelled');
        assert.equal(await context.store.requeueLastDelivery(CWM_A), null);
      });

      test('refuses answered, expired and cancelled messages with ERR_MESSAGE_NOT_CANCELLABLE', async () => {
        await registerDevice(context.store, CWM_A);
        const answered = await context.store.enqueueMessage(newMessage(CWM_A));
        await deliverNext(context.store, CWM_A);
        await context.store.recordPush(pushRecord(CWM_A, { okmId: answered.okmId, payload: { ok: 1 }, answerCandidate: { okmId: answered.okmId } }));
        const expired = await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 10 }));
        await context.store.expireMessages(T0 + 10);
        const cancelled = await context.store.enqueueMessage(newMessage(CWM_A, { createdAtMs: T0 + 10 }));
        await context.store.cancelMessage(cancelled.id, T0 + 11);

        for (const [message, state] of [[answered, 'answered'], [expired, 'expired'], [cancelled, 'cancelled']] as const) {
          await assert.rejects(context.store.cancelMessage(message.id, T0 + 20), isCode('ERR_MESSAGE_NOT_CANCELLABLE'));
          assert.equal(await stateOf(context.store, message.id), state);
        }
      });

      test('refuses an unknown message id with ERR_MESSAGE_NOT_FOUND', async () => {
        await assert.rejects(context.store.cancelMessage(424242, T0), isCode('ERR_MESSAGE_NOT_FOUND'));
        assert.equal(await context.store.findMessage(424242), null);
      });
    });
  });
}
