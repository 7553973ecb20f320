// Contract for upstream OKM storage of the Store port (PROTOCOL.md A2/A3/A4): idempotent storage per
// dedup key, CRC failure counting, answer matching and the pull hint.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/domain/store.js';
import type { MessageRecord } from '../../src/domain/message-store.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, newMessage, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

/** Queues a message for [OKE_1, CWM_A] and delivers it, as a completed /pull does. */
async function deliverToOke(store: Store): Promise<MessageRecord> {
  const queued = await store.enqueueMessage(newMessage(CWM_A, { destination: [OKE_1, CWM_A], cmd: 'rd', payload: { get: 'temp' } }));
  const leased = await store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
  assert.equal(leased?.message.id, queued.id);
  await store.confirmDelivery(queued.id, T0 + 1);
  return queued;
}

export function defineTelemetryStoreContract(context: ContractContext): void {
  describe('upstream OKMs', () => {
    test('recordPush stores the OKM, counts it on the CWM and marks the CWM seen', async () => {
      await registerDevice(context.store, CWM_A);
      const record = pushRecord(CWM_A, { originId: OKE_1, okmId: 12, receivedAtMs: T0 + 5, auth: 'hmac', payload: { door: 1 } });
      const outcome = await context.store.recordPush(record);
      assert.equal(outcome.isDuplicate, false);
      assert.equal(outcome.answeredMessageId, null);
      assert.equal(outcome.isPullPending, false);

      const okms = await context.store.listOkms({ cwmId: CWM_A, limit: 10 });
      assert.deepEqual(okms, [
        {
          id: outcome.storedOkmId,
          cwmId: CWM_A,
          originId: OKE_1,
          cmd: 'wr',
          okmId: 12,
          ts: record.ts,
          receivedAtMs: T0 + 5,
          crcVerdict: 'valid',
          auth: 'hmac',
          rawOkm: record.rawOkm,
          payload: { door: 1 },
        },
      ]);
      assert.equal(await context.store.countOkms(CWM_A), 1);
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.okmCount, 1);
      assert.equal(device?.lastSeenAtMs, T0 + 5);
      assert.equal(device?.lastRemoteAddress, record.remoteAddress);
    });

    test('a re-sent OKM (same dedup key) is acknowledged as a duplicate and stored once', async () => {
      await registerDevice(context.store, CWM_A);
      const first = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'same', receivedAtMs: T0 }));
      const again = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'same', receivedAtMs: T0 + 60_000 }));
      assert.equal(first.isDuplicate, false);
      assert.equal(again.isDuplicate, true);
      assert.equal(again.storedOkmId, first.storedOkmId);
      assert.equal(await context.store.countOkms(CWM_A), 1);
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.okmCount, 1);
      assert.equal(device?.lastSeenAtMs, T0 + 60_000, 'the re-send still shows the CWM is alive');
    });

    test('the same dedup key from another origin device or another CWM is a different OKM', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      const outcomes = [
        await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, dedupKey: 'k' })),
        await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_2, dedupKey: 'k' })),
        await context.store.recordPush(pushRecord(CWM_B, { originId: OKE_1, dedupKey: 'k' })),
      ];
      assert.deepEqual(outcomes.map((outcome) => outcome.isDuplicate), [false, false, false]);
      assert.equal(new Set(outcomes.map((outcome) => outcome.storedOkmId)).size, 3);
      assert.equal(await context.store.countOkms(CWM_A), 2);
      assert.equal(await context.store.countOkms(CWM_B), 1);
    });

    test('an OKM without a dedup key is stored every time', async () => {
      await registerDevice(context.store, CWM_A);
      const first = await context.store.recordPush(pushRecord(CWM_A, { okmId: null, dedupKey: null }));
      const second = await context.store.recordPush(pushRecord(CWM_A, { okmId: null, dedupKey: null }));
      assert.equal(second.isDuplicate, false);
      assert.notEqual(second.storedOkmId, first.storedOkmId);
      assert.equal(await context.store.countOkms(CWM_A), 2);
      assert.equal((await context.store.findDevice(CWM_A))?.okmCount, 2);
    });

    test('CRC failures are counted on the CWM for new OKMs only', async () => {
      await registerDevice(context.store, CWM_A);
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, crcVerdict: 'mismatch', crcExpected: '1234' }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, crcVerdict: 'mismatch', crcExpected: '1234' }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 2, crcVerdict: 'missing', crcReceived: null, crcExpected: null }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 3, crcVerdict: 'valid' }));
      const device = await context.store.findDevice(CWM_A);
      assert.equal(device?.crcFailureCount, 2);
      assert.equal(device?.okmCount, 3);
      const verdicts = (await context.store.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.crcVerdict);
      assert.deepEqual(verdicts, ['mismatch', 'missing', 'valid'], 'flagged OKMs are stored, not dropped');
    });

    test('listOkms filters by CWM or origin and returns the newest, newest last', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      for (let okmId = 1; okmId <= 5; okmId++) {
        await context.store.recordPush(pushRecord(CWM_A, { originId: okmId % 2 === 0 ? OKE_2 : OKE_1, okmId }));
      }
      await context.store.recordPush(pushRecord(CWM_B, { okmId: 9 }));
      const newestThree = await context.store.listOkms({ cwmId: CWM_A, limit: 3 });
      assert.deepEqual(newestThree.map((okm) => okm.okmId), [3, 4, 5]);
      const fromOke2 = await context.store.listOkms({ originId: OKE_2, limit: 10 });
      assert.deepEqual(fromOke2.map((okm) => okm.okmId), [2, 4]);
      const all = await context.store.listOkms({ limit: 100 });
      assert.deepEqual(all.map((okm) => okm.okmId), [1, 2, 3, 4, 5, 9]);
    });

    test('keeps the auth verdict an open-mode OKM was let in with', async () => {
      await context.store.addDiscoveredDevice(CWM_A, T0);
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, auth: 'unknown-device' }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 2, auth: 'unsigned' }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 3, auth: 'bad-signature' }));
      const okms = await context.store.listOkms({ cwmId: CWM_A, limit: 10 });
      assert.deepEqual(okms.map((okm) => okm.auth), ['unknown-device', 'unsigned', 'bad-signature']);
      assert.equal((await context.store.findDevice(CWM_A))?.okmCount, 3);
    });

    describe('answer matching', () => {
      test('an OKM with the same _id from the addressed device answers a delivered message', async () => {
        await registerDevice(context.store, CWM_A);
        const message = await deliverToOke(context.store);
        const answer = { temp: 181.5, unit: 'C' };
        const outcome = await context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_1, okmId: message.okmId, receivedAtMs: T0 + 2000, payload: answer, answerCandidate: { okmId: message.okmId } }),
        );
        assert.equal(outcome.answeredMessageId, message.id);
        const answered = await context.store.findMessage(message.id);
        assert.equal(answered?.state, 'answered');
        assert.deepEqual(answered?.result, answer);
        assert.equal(answered?.answeredAtMs, T0 + 2000);
        assert.equal(await context.store.countOkms(CWM_A), 1, 'the answer is stored as an OKM too');
      });

      test('a message that is only queued is not answered', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A, { destination: [OKE_1, CWM_A] }));
        const outcome = await context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_1, okmId: queued.okmId, payload: { ok: 1 }, answerCandidate: { okmId: queued.okmId } }),
        );
        assert.equal(outcome.answeredMessageId, null);
        assert.equal((await context.store.findMessage(queued.id))?.state, 'queued');
      });

      test('a message handed to a pull response but not yet confirmed is answered, and stays answered', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A, { destination: [OKE_1, CWM_A] }));
        await context.store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
        const outcome = await context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_1, okmId: queued.okmId, receivedAtMs: T0 + 5, payload: { ok: 1 }, answerCandidate: { okmId: queued.okmId } }),
        );
        assert.equal(outcome.answeredMessageId, queued.id, 'the answer proves the OKM arrived');
        await context.store.confirmDelivery(queued.id, T0 + 6);
        await context.store.releaseLease(queued.id);
        const answered = await context.store.findMessage(queued.id);
        assert.equal(answered?.state, 'answered');
        assert.deepEqual(answered?.result, { ok: 1 });
        assert.equal(await context.store.leaseNextMessage(CWM_A, T0 + 60_000, T0 + 90_000), null);
      });

      test('an OKM from another origin device or another CWM does not answer', async () => {
        await registerDevice(context.store, CWM_A);
        await registerDevice(context.store, CWM_B);
        const message = await deliverToOke(context.store);
        const candidate = { okmId: message.okmId };
        const fromOtherOke = await context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_2, okmId: message.okmId, payload: { ok: 1 }, answerCandidate: candidate }),
        );
        const fromCwmItself = await context.store.recordPush(
          pushRecord(CWM_A, { originId: CWM_A, okmId: message.okmId, payload: { ok: 1 }, answerCandidate: candidate }),
        );
        const viaOtherCwm = await context.store.recordPush(
          pushRecord(CWM_B, { originId: OKE_1, okmId: message.okmId, payload: { ok: 1 }, answerCandidate: candidate }),
        );
        assert.deepEqual([fromOtherOke, fromCwmItself, viaOtherCwm].map((o) => o.answeredMessageId), [null, null, null]);
        assert.equal((await context.store.findMessage(message.id))?.state, 'delivered');
      });

      test('an OKM that is not an answer candidate (a heartbeat) does not answer', async () => {
        await registerDevice(context.store, CWM_A);
        const message = await deliverToOke(context.store);
        const outcome = await context.store.recordPush(
          pushRecord(CWM_A, { originId: OKE_1, okmId: message.okmId, heartbeat: { temp: 1 }, answerCandidate: null }),
        );
        assert.equal(outcome.answeredMessageId, null);
        assert.equal((await context.store.findMessage(message.id))?.state, 'delivered');
      });

      test('a message addressed to the CWM itself is answered by the CWM', async () => {
        await registerDevice(context.store, CWM_A);
        const queued = await context.store.enqueueMessage(newMessage(CWM_A, { destination: [CWM_A], cmd: 'rd', payload: { _ping: true } }));
        await context.store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
        await context.store.confirmDelivery(queued.id, T0);
        const outcome = await context.store.recordPush(
          pushRecord(CWM_A, { okmId: queued.okmId, payload: { _ping: 'pong' }, answerCandidate: { okmId: queued.okmId } }),
        );
        assert.equal(outcome.answeredMessageId, queued.id);
        assert.deepEqual((await context.store.findMessage(queued.id))?.result, { _ping: 'pong' });
      });

      test('a re-sent answer reports no new answer and keeps the first result', async () => {
        await registerDevice(context.store, CWM_A);
        const message = await deliverToOke(context.store);
        const answer = pushRecord(CWM_A, {
          originId: OKE_1,
          okmId: message.okmId,
          receivedAtMs: T0 + 2000,
          payload: { v: 1 },
          answerCandidate: { okmId: message.okmId },
        });
        assert.equal((await context.store.recordPush(answer)).answeredMessageId, message.id);
        const resent = await context.store.recordPush({ ...answer, receivedAtMs: T0 + 99_000 });
        assert.equal(resent.isDuplicate, true);
        assert.equal(resent.answeredMessageId, null);
        const stored = await context.store.findMessage(message.id);
        assert.equal(stored?.answeredAtMs, T0 + 2000);
        assert.deepEqual(stored?.result, { v: 1 });
      });
    });

    test('isPullPending is true while anything is queued for the CWM', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      assert.equal((await context.store.recordPush(pushRecord(CWM_A, { okmId: 1 }))).isPullPending, false);
      const queued = await context.store.enqueueMessage(newMessage(CWM_A));
      assert.equal((await context.store.recordPush(pushRecord(CWM_A, { okmId: 2 }))).isPullPending, true);
      assert.equal((await context.store.recordPush(pushRecord(CWM_A, { okmId: 2 }))).isPullPending, true, 'a duplicate gets the hint too');
      assert.equal((await context.store.recordPush(pushRecord(CWM_B, { okmId: 1 }))).isPullPending, false);
      await context.store.leaseNextMessage(CWM_A, T0, T0 + 30_000);
      await context.store.confirmDelivery(queued.id, T0);
      assert.equal((await context.store.recordPush(pushRecord(CWM_A, { okmId: 3 }))).isPullPending, false);
    });
  });
}
