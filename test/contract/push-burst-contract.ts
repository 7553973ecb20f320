// Contract for pushes that arrive together: a backend may store a burst in one batch (group commit,
// multi-row insert), but each push must get the outcome it would have had alone, in arrival order.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PushRecord } from '../../src/domain/telemetry-store.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, deliverNext, newMessage, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

const MINUTE_MS = 60_000;

function cwmHeartbeat(cwmId: string, okmId: number, atMs: number): PushRecord {
  return pushRecord(cwmId, { okmId, receivedAtMs: atMs, payload: { _hbt: { ti: 40 } }, heartbeat: { ti: 40 } });
}

export function definePushBurstContract(context: ContractContext): void {
  describe('a burst of pushes', () => {
    test('re-sends within the burst and OKMs without a dedup key: each stored once, in arrival order', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      const keyless = pushRecord(CWM_A, { originId: OKE_1, okmId: null, dedupKey: null, payload: { door: 1 } });
      const burst = [
        pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 }),
        pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1 }),
        keyless,
        { ...keyless, receivedAtMs: T0 + 2 },
        pushRecord(CWM_B, { okmId: 1, receivedAtMs: T0 + 3 }),
        pushRecord(CWM_A, { okmId: 2, receivedAtMs: T0 + 4, remoteAddress: '192.0.2.99' }),
      ];
      const outcomes = await Promise.all(burst.map((record) => context.store.recordPush(record)));
      assert.deepEqual(outcomes.map((o) => o.isDuplicate), [false, true, false, false, false, false]);
      assert.equal(outcomes[1]?.storedOkmId, outcomes[0]?.storedOkmId);
      const stored = [outcomes[0], outcomes[2], outcomes[3], outcomes[5]].map((o) => o?.storedOkmId);
      assert.equal(new Set(stored).size, 4, 'four distinct rows for CWM A');

      const listed = await context.store.listOkms({ cwmId: CWM_A, limit: 10 });
      assert.deepEqual(listed.map((okm) => okm.id), stored, 'listed in arrival order');
      assert.deepEqual(listed.map((okm) => okm.receivedAtMs), [T0, T0, T0 + 2, T0 + 4]);
      assert.equal(await context.store.countOkms(CWM_A), 4);
      assert.equal(await context.store.countOkms(CWM_B), 1);
      const cwmA = await context.store.findDevice(CWM_A);
      assert.equal(cwmA?.okmCount, 4);
      assert.equal(cwmA?.lastSeenAtMs, T0 + 4);
      assert.equal(cwmA?.lastRemoteAddress, '192.0.2.99');

      // The same burst again: every keyed push is a re-send of the row it made; key-less ones are new.
      const again = await Promise.all(burst.map((record) => context.store.recordPush({ ...record, receivedAtMs: record.receivedAtMs + MINUTE_MS })));
      assert.deepEqual(again.map((o) => o.isDuplicate), [true, true, false, false, true, true]);
      assert.equal(again[0]?.storedOkmId, outcomes[0]?.storedOkmId);
      assert.equal(again[4]?.storedOkmId, outcomes[4]?.storedOkmId);
      assert.equal(again[5]?.storedOkmId, outcomes[5]?.storedOkmId);
      assert.equal(await context.store.countOkms(CWM_A), 6);
      assert.equal((await context.store.findDevice(CWM_A))?.lastSeenAtMs, T0 + 4 + MINUTE_MS);
    });

    test('heartbeats in one burst: the interval average and merged fields as if they came one by one', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      // CWM B, one at a time: the reference.
      for (let i = 0; i < 4; i++) await context.store.recordPush(cwmHeartbeat(CWM_B, i + 1, T0 + i * (i + 1) * MINUTE_MS));
      // CWM A: the first alone, the next three together, with OKE heartbeats interleaved.
      await context.store.recordPush(cwmHeartbeat(CWM_A, 1, T0));
      await Promise.all([
        context.store.recordPush(cwmHeartbeat(CWM_A, 2, T0 + 2 * MINUTE_MS)),
        context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 1, receivedAtMs: T0 + 2 * MINUTE_MS + 1, heartbeat: { temp: 170, door: 0 } })),
        context.store.recordPush(cwmHeartbeat(CWM_A, 3, T0 + 6 * MINUTE_MS)),
        context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 2, receivedAtMs: T0 + 6 * MINUTE_MS + 1, heartbeat: { temp: 175 } })),
        context.store.recordPush(pushRecord(CWM_A, { originId: OKE_2, okmId: 1, receivedAtMs: T0 + 6 * MINUTE_MS + 2, payload: { alarm: 'x' } })),
        context.store.recordPush(cwmHeartbeat(CWM_A, 4, T0 + 12 * MINUTE_MS)),
      ]);
      const [a, b] = await Promise.all([context.store.findDevice(CWM_A), context.store.findDevice(CWM_B)]);
      assert.ok(b?.typicalIntervalMs, 'the reference CWM has an interval');
      assert.equal(a?.typicalIntervalMs, b?.typicalIntervalMs);
      assert.equal(a?.okmCount, 7);

      const states = await context.store.listDeviceStates(CWM_A);
      const oke1 = states.find((state) => state.deviceId === OKE_1);
      assert.deepEqual(oke1?.latestFields, { temp: 175, door: 0 });
      assert.deepEqual(oke1?.lastHeartbeat, { temp: 175 });
      assert.equal(oke1?.lastHeartbeatAtMs, T0 + 6 * MINUTE_MS + 1);
      assert.equal(oke1?.firstSeenAtMs, T0 + 2 * MINUTE_MS + 1);
      const oke2 = states.find((state) => state.deviceId === OKE_2);
      assert.equal(oke2?.lastSeenAtMs, T0 + 6 * MINUTE_MS + 2);
      assert.equal(oke2?.lastHeartbeat, null);
    });

    test('an answer in a burst answers its message alone; every push of a CWM with queued messages says pull', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.enqueueMessage(newMessage(CWM_A, { destination: [OKE_1, CWM_A], cmd: 'rd', payload: { get: 'temp' } }));
      const delivered = await deliverNext(context.store, CWM_A);
      await context.store.enqueueMessage(newMessage(CWM_A));
      const outcomes = await Promise.all([
        context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 40, receivedAtMs: T0 + 10, heartbeat: { temp: 1 }, payload: { _hbt: { temp: 1 } } })),
        context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: delivered.okmId, receivedAtMs: T0 + 11, payload: { temp: 181 }, answerCandidate: { okmId: delivered.okmId } })),
        context.store.recordPush(pushRecord(CWM_B, { okmId: 3, receivedAtMs: T0 + 12 })),
      ]);
      assert.deepEqual(outcomes.map((o) => o.answeredMessageId), [null, delivered.id, null]);
      assert.deepEqual(outcomes.map((o) => o.isPullPending), [true, true, false]);
      const answered = await context.store.findMessage(delivered.id);
      assert.equal(answered?.state, 'answered');
      assert.deepEqual(answered?.result, { temp: 181 });
    });

    test('a hundred concurrent pushes from fifty CWMs: every one stored once, counts exact', async () => {
      const cwms = Array.from({ length: 50 }, (_, i) => `0002${i.toString(16).padStart(12, '0')}`);
      for (const cwm of cwms) await registerDevice(context.store, cwm);
      const records = cwms.flatMap((cwm, i) => [pushRecord(cwm, { okmId: 1, receivedAtMs: T0 + i }), pushRecord(cwm, { okmId: 2, receivedAtMs: T0 + i + 1 })]);
      const outcomes = await Promise.all([...records, ...records].map((record) => context.store.recordPush(record)));
      assert.equal(outcomes.filter((o) => !o.isDuplicate).length, 100);
      assert.equal(new Set(outcomes.map((o) => o.storedOkmId)).size, 100);
      for (const cwm of cwms) assert.equal((await context.store.findDevice(cwm))?.okmCount, 2);
    });
  });
}
