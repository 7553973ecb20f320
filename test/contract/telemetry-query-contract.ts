// Contract for the console's telemetry queries (charts, fleet activity, a CWM's raw OKMs over time): the
// same buckets, counts and rows from every backend, with [from, to) ranges by receive time.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export function defineTelemetryQueryContract(context: ContractContext): void {
  describe('telemetry queries', () => {
    test('querySeries: min, max, avg and count per bucket of one heartbeat field of one device; non-numbers skipped, booleans as 0/1', async () => {
      await registerDevice(context.store, CWM_A);
      let okmId = 0;
      const heartbeat = (originId: string, atMs: number, hbt: Record<string, unknown>) =>
        context.store.recordPush(pushRecord(CWM_A, { originId, okmId: ++okmId, receivedAtMs: atMs, payload: { _hbt: hbt }, heartbeat: hbt }));
      await heartbeat(OKE_1, T0 - 1, { temp: 1000 });
      await heartbeat(OKE_1, T0, { temp: 10 });
      await heartbeat(OKE_1, T0 + 30 * SECOND, { temp: 20.5, door: false });
      await heartbeat(OKE_2, T0 + 31 * SECOND, { temp: 99 });
      await heartbeat(OKE_1, T0 + 70 * SECOND, { temp: 40 });
      await heartbeat(OKE_1, T0 + 130 * SECOND, { door: true });
      await heartbeat(OKE_1, T0 + 140 * SECOND, { temp: 'hot' });
      await heartbeat(OKE_1, T0 + 180 * SECOND, { temp: 5000 });
      await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: ++okmId, receivedAtMs: T0 + 150 * SECOND, payload: { temp: 7 } }));

      const range = { originId: OKE_1, fromMs: T0, toMs: T0 + 180 * SECOND, bucketMs: MINUTE };
      assert.deepEqual(await context.store.querySeries({ ...range, field: 'temp' }), [
        { bucketStartMs: T0, min: 10, max: 20.5, avg: 15.25, count: 2 },
        { bucketStartMs: T0 + MINUTE, min: 40, max: 40, avg: 40, count: 1 },
      ]);
      assert.deepEqual(await context.store.querySeries({ ...range, field: 'door' }), [
        { bucketStartMs: T0, min: 0, max: 0, avg: 0, count: 1 },
        { bucketStartMs: T0 + 2 * MINUTE, min: 1, max: 1, avg: 1, count: 1 },
      ]);
      assert.deepEqual(await context.store.querySeries({ ...range, field: 'absent' }), []);
    });

    test('countOkmsPerMinute: every device, whole minutes, empty minutes left out, [from, to)', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      const times = [T0 - 1, T0, T0 + 59_999, T0 + MINUTE, T0 + 3 * MINUTE + 5 * SECOND, T0 + 4 * MINUTE];
      for (const [i, atMs] of times.entries()) {
        await context.store.recordPush(pushRecord(i % 2 === 0 ? CWM_A : CWM_B, { okmId: i + 1, receivedAtMs: atMs }));
      }
      assert.deepEqual(await context.store.countOkmsPerMinute(T0, T0 + 4 * MINUTE), [
        [T0, 2],
        [T0 + MINUTE, 1],
        [T0 + 3 * MINUTE, 1],
      ]);
    });

    test('listOkmsInRange: one CWM (its OKEs included), oldest first, [from, to), limited', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 - 1 }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 2, receivedAtMs: T0 }));
      await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 3, receivedAtMs: T0 + 10 }));
      await context.store.recordPush(pushRecord(CWM_B, { okmId: 4, receivedAtMs: T0 + 20 }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 5, receivedAtMs: T0 + 30 }));
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 6, receivedAtMs: T0 + 40 }));
      const all = await context.store.listOkmsInRange(CWM_A, T0, T0 + 40, 100);
      assert.deepEqual(all.map((okm) => okm.okmId), [2, 3, 5]);
      assert.deepEqual(all.map((okm) => okm.originId), [CWM_A, OKE_1, CWM_A]);
      const limited = await context.store.listOkmsInRange(CWM_A, T0, T0 + 40, 2);
      assert.deepEqual(limited.map((okm) => okm.okmId), [2, 3]);
      assert.deepEqual(await context.store.listOkmsInRange(CWM_A, T0 + 41, T0 + 1000, 10), []);
    });
  });
}
