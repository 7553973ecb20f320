// Contract for the retention of finished messages and audit entries: what goes, what stays, in chunks.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CWM_A, HOUR_MS, T0, deliverNext, newMessage, pushRecord, registerDevice, stateOf, type ContractContext } from './store-fixtures.js';

const DAY_MS = 24 * HOUR_MS;

export function defineRetentionContract(context: ContractContext): void {
  describe('retention of messages and audit entries', () => {
    test('finished messages older than the cutoff go; queued ones and recent ones stay', async () => {
      const { store } = context;
      await registerDevice(store, CWM_A);
      const answered = await store.enqueueMessage(newMessage(CWM_A));
      const delivered = await store.enqueueMessage(newMessage(CWM_A));
      const cancelled = await store.enqueueMessage(newMessage(CWM_A));
      const expired = await store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 1000 }));
      const queued = await store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 400 * DAY_MS }));
      await deliverNext(store, CWM_A, T0);
      await store.recordPush(pushRecord(CWM_A, { okmId: answered.okmId, payload: { _ping: true }, receivedAtMs: T0 + 10, answerCandidate: { okmId: answered.okmId } }));
      await deliverNext(store, CWM_A, T0 + 20);
      await store.cancelMessage(cancelled.id, T0 + 30);
      await store.expireMessages(T0 + 2000);
      assert.deepEqual(
        await Promise.all([answered, delivered, cancelled, expired, queued].map((m) => stateOf(store, m.id))),
        ['answered', 'delivered', 'cancelled', 'expired', 'queued'],
      );

      assert.equal(await store.pruneFinishedMessages(T0, 100), 0, 'nothing finished before T0');
      const recent = await store.enqueueMessage(newMessage(CWM_A, { createdAtMs: T0 + 200 * DAY_MS, expiresAtMs: T0 + 200 * DAY_MS + 1000 }));
      await store.expireMessages(T0 + 200 * DAY_MS + 2000);
      assert.equal(await store.pruneFinishedMessages(T0 + 100 * DAY_MS, 100), 4);
      assert.deepEqual(
        await Promise.all([answered, delivered, cancelled, expired, queued, recent].map((m) => stateOf(store, m.id))),
        [undefined, undefined, undefined, undefined, 'queued', 'expired'],
      );
    });

    test('at most `limit` rows go per call, oldest audit entries first', async () => {
      const { store } = context;
      for (let i = 0; i < 25; i++) await store.appendAudit({ atMs: T0 + i * 1000, actor: 'admin', action: 'device.add', target: `d${i}`, details: null });
      assert.equal(await store.pruneAudit(T0 + 20_000, 7), 7);
      assert.equal(await store.pruneAudit(T0 + 20_000, 7), 7);
      assert.equal(await store.pruneAudit(T0 + 20_000, 7), 6);
      assert.equal(await store.pruneAudit(T0 + 20_000, 7), 0);
      const left = await store.listAudit(100);
      assert.deepEqual(left.map((entry) => entry.target), ['d20', 'd21', 'd22', 'd23', 'd24']);
    });
  });
}
