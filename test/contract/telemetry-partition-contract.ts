// Contract for the time partitions of stored OKMs (issue 12): OKMs live in partitions by receive time,
// queries span them as if there were one table, re-sends are recognised across a partition boundary, and
// retention drops whole expired partitions. The backends use their default span of one day.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEDUP_WINDOW_MS, DEFAULT_PARTITION_SPAN_MS } from '../../src/domain/telemetry-store.js';
import { CWM_A, CWM_B, OKE_1, T0, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

const DAY = DEFAULT_PARTITION_SPAN_MS;
const MINUTE = 60_000;

export function defineTelemetryPartitionContract(context: ContractContext): void {
  describe('telemetry partitions', () => {
    /** One heartbeat of `temp` from OKE_1 via CWM_A, received at `atMs`. */
    async function heartbeat(okmId: number, atMs: number, temp: number): Promise<number> {
      const hbt = { temp };
      const outcome = await context.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId, receivedAtMs: atMs, payload: { _hbt: hbt }, heartbeat: hbt }));
      return outcome.storedOkmId;
    }

    test('OKMs received days apart land in separate partitions, and every query spans them transparently', async () => {
      await registerDevice(context.store, CWM_A);
      const times = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 2 * DAY + MINUTE];
      const ids: number[] = [];
      for (const [i, atMs] of times.entries()) ids.push(await heartbeat(i + 1, atMs, 10 * (i + 1)));
      assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'ids increase with receive time across partitions');

      const partitions = await context.store.listTelemetryPartitions();
      const holding = (atMs: number) => partitions.filter((p) => p.startMs <= atMs && atMs < p.endMs);
      for (const atMs of times) assert.equal(holding(atMs).length, 1, `exactly one partition holds ${new Date(atMs).toISOString()}`);
      assert.equal(new Set(times.map((atMs) => holding(atMs)[0]?.name)).size, 3, 'three days, three partitions');
      assert.deepEqual(partitions.map((p) => p.startMs), [...partitions.map((p) => p.startMs)].sort((a, b) => a - b), 'oldest first');
      for (const p of partitions) assert.ok(p.endMs > p.startMs && p.endMs - p.startMs <= DAY, `${p.name} spans at most a day`);

      assert.deepEqual((await context.store.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.okmId), [1, 2, 3, 4]);
      assert.deepEqual((await context.store.listOkms({ originId: OKE_1, limit: 3 })).map((okm) => okm.okmId), [2, 3, 4], 'the newest 3, newest last');
      assert.deepEqual((await context.store.listOkms({ limit: 2 })).map((okm) => okm.okmId), [3, 4]);
      assert.deepEqual((await context.store.listOkmsInRange(CWM_A, T0, T0 + 3 * DAY, 10)).map((okm) => okm.okmId), [1, 2, 3, 4]);
      assert.deepEqual((await context.store.listOkmsInRange(CWM_A, T0 + 1, T0 + 2 * DAY + 1, 10)).map((okm) => okm.okmId), [2, 3]);
      assert.deepEqual((await context.store.listOkmsInRange(CWM_A, T0, T0 + 3 * DAY, 3)).map((okm) => okm.okmId), [1, 2, 3], 'the limit keeps the oldest');
      assert.equal(await context.store.countOkms(CWM_A), 4);
      const series = await context.store.querySeries({ originId: OKE_1, field: 'temp', fromMs: T0, toMs: T0 + 3 * DAY, bucketMs: DAY });
      assert.deepEqual(series.map((point) => [point.bucketStartMs, point.count, point.avg]), [[T0, 1, 10], [T0 + DAY, 1, 20], [T0 + 2 * DAY, 2, 35]]);
      assert.deepEqual(await context.store.countOkmsPerMinute(T0, T0 + 3 * DAY), times.map((atMs) => [Math.floor(atMs / MINUTE) * MINUTE, 1]));
    });

    test('a stored OKM reads back as it came: its text, its payload, its verdicts', async () => {
      await registerDevice(context.store, CWM_A);
      const record = pushRecord(CWM_A, { okmId: 42, receivedAtMs: T0 + DAY, payload: { _hbt: { temp: 180.5, door: 'open', n: [1, { a: null }] } }, crcVerdict: 'mismatch', auth: 'unsigned' });
      await context.store.recordPush(record);
      const [stored] = await context.store.listOkms({ cwmId: CWM_A, limit: 1 });
      assert.ok(stored);
      assert.equal(stored.rawOkm, record.rawOkm);
      assert.deepEqual(stored.payload, record.payload);
      assert.equal(stored.cmd, 'wr');
      assert.equal(stored.okmId, 42);
      assert.equal(stored.ts, record.ts);
      assert.equal(stored.crcVerdict, 'mismatch');
      assert.equal(stored.auth, 'unsigned');
      assert.equal(stored.receivedAtMs, T0 + DAY);
    });

    test('a re-send is recognised across a partition boundary, within the dedup window', async () => {
      await registerDevice(context.store, CWM_A);
      const dayEnd = (Math.floor(T0 / DAY) + 1) * DAY;
      const first = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'across', receivedAtMs: dayEnd - 1 }));
      const again = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'across', receivedAtMs: dayEnd + DEDUP_WINDOW_MS - 2 * MINUTE }));
      assert.equal(first.isDuplicate, false);
      assert.equal(again.isDuplicate, true);
      assert.equal(again.storedOkmId, first.storedOkmId);
      assert.equal(await context.store.countOkms(CWM_A), 1);
    });

    test('a push replayed days later is recognised by the _ts it carries, and stored once', async () => {
      await registerDevice(context.store, CWM_A);
      const first = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'replayed', tsEpochMs: T0 - 1000, receivedAtMs: T0 }));
      const replayed = await context.store.recordPush(pushRecord(CWM_A, { dedupKey: 'replayed', tsEpochMs: T0 - 1000, receivedAtMs: T0 + 5 * DAY }));
      assert.deepEqual([replayed.isDuplicate, replayed.storedOkmId], [true, first.storedOkmId]);
      assert.equal(await context.store.countOkms(CWM_A), 1);
    });

    test('an OKM whose _ts is years off lands in the partition of its receive time', async () => {
      await registerDevice(context.store, CWM_A);
      const yearsAgo = T0 - 5 * 365 * DAY;
      await context.store.recordPush(pushRecord(CWM_A, { okmId: 1, tsEpochMs: yearsAgo, ts: '2022-01-15T08:00:00', receivedAtMs: T0 }));
      const partitions = await context.store.listTelemetryPartitions();
      assert.ok(partitions.every((p) => p.endMs > T0 - DAY), 'no partition was made for the OKM\'s own _ts');
      assert.deepEqual((await context.store.listOkmsInRange(CWM_A, T0, T0 + 1, 10)).map((okm) => okm.okmId), [1]);
    });

    test('preparePartitions makes the partitions for now and the next span ahead of any insert', async () => {
      await context.store.preparePartitions(T0);
      const partitions = await context.store.listTelemetryPartitions();
      assert.ok(partitions.some((p) => p.startMs <= T0 && T0 < p.endMs), 'now is covered');
      assert.ok(partitions.some((p) => p.startMs <= T0 + DAY && T0 + DAY < p.endMs), 'the next span is covered');
      await context.store.preparePartitions(T0);
      assert.equal((await context.store.listTelemetryPartitions()).length, partitions.length, 'preparing twice makes nothing more');
    });

    test('retention drops whole expired partitions and reports them; later OKMs and other queries are untouched', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      const dayStart = Math.floor(T0 / DAY) * DAY;
      for (let day = 0; day < 4; day++) {
        await heartbeat(10 + day, dayStart + day * DAY + MINUTE, day);
        await context.store.recordPush(pushRecord(CWM_B, { okmId: 20 + day, receivedAtMs: dayStart + day * DAY + 2 * MINUTE }));
      }
      const report = await context.store.dropTelemetryBefore(dayStart + 2 * DAY);
      assert.equal(report.partitions, 2);
      assert.ok(report.approxOkms >= 0);
      assert.deepEqual((await context.store.listOkms({ limit: 10 })).map((okm) => okm.okmId), [12, 22, 13, 23]);
      assert.ok((await context.store.listTelemetryPartitions()).every((p) => p.endMs > dayStart + 2 * DAY));
      // A range reaching back past retention answers with what exists, never an error.
      assert.deepEqual((await context.store.listOkmsInRange(CWM_A, dayStart - 10 * DAY, dayStart + 4 * DAY, 10)).map((okm) => okm.okmId), [12, 13]);
      const series = await context.store.querySeries({ originId: OKE_1, field: 'temp', fromMs: dayStart - 10 * DAY, toMs: dayStart + 4 * DAY, bucketMs: DAY });
      assert.deepEqual(series.map((point) => point.avg), [2, 3]);
      assert.deepEqual(await context.store.dropTelemetryBefore(dayStart + 2 * DAY), { partitions: 0, approxOkms: 0 }, 'a second pass has nothing to do');
      // A partition whose range reaches past the cutoff is kept whole: retention never removes single rows.
      const partial = await context.store.dropTelemetryBefore(dayStart + 3 * DAY + 12 * 3_600_000);
      assert.equal(partial.partitions, 1, 'only the partition that ended before the cutoff');
      assert.deepEqual((await context.store.listOkms({ limit: 10 })).map((okm) => okm.okmId), [13, 23]);
      // Pushes go on after a drop, into the partitions that remain or new ones.
      await heartbeat(99, dayStart + 3 * DAY + 3 * MINUTE, 7);
      await heartbeat(100, dayStart + 5 * DAY, 8);
      assert.deepEqual((await context.store.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.okmId), [13, 99, 100]);
    });
  });
}
