// Contract for stored rollups (issue 12): merged per device and bucket whatever order and grouping the
// folds come in, queried per device or merged over a set of devices, the fleet's OKMs per minute, and
// pruned by age. Every backend gives the same answers.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldStats, RollupDelta } from '../../src/domain/rollup-store.js';
import { OKE_1, OKE_2, T0, type ContractContext } from './store-fixtures.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** An hour boundary at or before T0 (so a minute and an hour boundary both). */
const M0 = Math.floor(T0 / HOUR) * HOUR;

const stats = (min: number, max: number, sum: number, count: number): FieldStats => ({ min, max, sum, count });
const delta = (originId: string, bucketStartMs: number, fields: Record<string, FieldStats>): RollupDelta =>
  ({ originId, bucketStartMs, fields: new Map(Object.entries(fields)) });

export function defineRollupContract(context: ContractContext): void {
  describe('rollups', () => {
    test('deltas of one bucket merge (min, max, sum, count) whatever the order and grouping; other fields and buckets stay apart', async () => {
      const { store } = context;
      await store.mergeRollups('minute', [
        delta(OKE_1, M0, { temp: stats(10, 10, 10, 1), door: stats(0, 0, 0, 1) }),
        delta(OKE_1, M0 + MINUTE, { temp: stats(30, 30, 30, 1) }),
      ], new Map());
      await store.mergeRollups('minute', [delta(OKE_1, M0, { temp: stats(4, 20, 24, 2) })], new Map());
      await store.mergeRollups('minute', [delta(OKE_1, M0, { temp: stats(12.5, 12.5, 12.5, 1) })], new Map());
      const series = await store.queryRollupSeries({ originIds: [OKE_1], field: 'temp', fromMs: M0, toMs: M0 + 10 * MINUTE, resolution: 'minute' });
      assert.deepEqual(series, [
        { bucketStartMs: M0, stats: stats(4, 20, 46.5, 4), devices: 1, sumOfMeans: 46.5 / 4 },
        { bucketStartMs: M0 + MINUTE, stats: stats(30, 30, 30, 1), devices: 1, sumOfMeans: 30 },
      ]);
      assert.deepEqual(
        await store.queryRollupSeries({ originIds: [OKE_1], field: 'door', fromMs: M0, toMs: M0 + 10 * MINUTE, resolution: 'minute' }),
        [{ bucketStartMs: M0, stats: stats(0, 0, 0, 1), devices: 1, sumOfMeans: 0 }],
      );
      assert.deepEqual(await store.queryRollupSeries({ originIds: [OKE_1], field: 'temp', fromMs: M0, toMs: M0 + 10 * MINUTE, resolution: 'hour' }), [], 'hours are their own rows');
      assert.deepEqual(await store.queryRollupSeries({ originIds: [OKE_1], field: 'absent', fromMs: M0, toMs: M0 + 10 * MINUTE, resolution: 'minute' }), []);
    });

    test('a series over several devices merges them per bucket; [from, to) by bucket start; unknown devices add nothing', async () => {
      const { store } = context;
      await store.mergeRollups('hour', [
        delta(OKE_1, M0, { temp: stats(100, 200, 300, 2) }),
        delta(OKE_2, M0, { temp: stats(50, 50, 50, 1) }),
        delta(OKE_2, M0 + HOUR, { temp: stats(60, 80, 140, 2) }),
        delta(OKE_1, M0 - HOUR, { temp: stats(1, 1, 1, 1) }),
        delta(OKE_1, M0 + 2 * HOUR, { temp: stats(1, 1, 1, 1) }),
      ], new Map());
      const series = await store.queryRollupSeries({ originIds: [OKE_1, OKE_2, 'FFFF000000000000'], field: 'temp', fromMs: M0, toMs: M0 + 2 * HOUR, resolution: 'hour' });
      assert.deepEqual(series, [
        { bucketStartMs: M0, stats: stats(50, 200, 350, 3), devices: 2, sumOfMeans: 150 + 50 },
        { bucketStartMs: M0 + HOUR, stats: stats(60, 80, 140, 2), devices: 1, sumOfMeans: 70 },
      ]);
      assert.deepEqual(await store.queryRollupSeries({ originIds: [], field: 'temp', fromMs: M0, toMs: M0 + 2 * HOUR, resolution: 'hour' }), []);
    });

    test('the fleet OKMs per minute add up across merges; pruning removes old buckets only, in limited steps', async () => {
      const { store } = context;
      await store.mergeRollups('minute', [delta(OKE_1, M0, { temp: stats(1, 1, 1, 1) })], new Map([[M0, 5], [M0 + MINUTE, 2]]));
      await store.mergeRollups('minute', [delta(OKE_1, M0 + 2 * MINUTE, { temp: stats(2, 2, 2, 1) }), delta(OKE_2, M0, { temp: stats(3, 3, 3, 1) })], new Map([[M0, 1], [M0 + 3 * MINUTE, 4]]));
      assert.deepEqual(await store.countFleetOkmsPerMinute(M0, M0 + 3 * MINUTE), [[M0, 6], [M0 + MINUTE, 2]]);
      assert.equal(await store.pruneRollups('minute', M0 + 2 * MINUTE, 1), 1, 'the limit holds');
      assert.equal(await store.pruneRollups('minute', M0 + 2 * MINUTE, 100), 1);
      assert.equal(await store.pruneRollups('minute', M0 + 2 * MINUTE, 100), 0);
      assert.deepEqual(
        (await store.queryRollupSeries({ originIds: [OKE_1, OKE_2], field: 'temp', fromMs: M0, toMs: M0 + HOUR, resolution: 'minute' })).map((p) => p.bucketStartMs),
        [M0 + 2 * MINUTE],
      );
      assert.deepEqual(await store.countFleetOkmsPerMinute(M0, M0 + HOUR), [[M0 + 3 * MINUTE, 4]], 'fleet counts of pruned minutes go with them');
    });

    test('rollups survive a restart', async () => {
      await context.store.mergeRollups('hour', [delta(OKE_1, M0, { temp: stats(7, 9, 16, 2) })], new Map([[M0, 2]]));
      const store = await context.reopen();
      assert.deepEqual(await store.queryRollupSeries({ originIds: [OKE_1], field: 'temp', fromMs: M0, toMs: M0 + HOUR, resolution: 'hour' }), [
        { bucketStartMs: M0, stats: stats(7, 9, 16, 2), devices: 1, sumOfMeans: 8 },
      ]);
      assert.deepEqual(await store.countFleetOkmsPerMinute(M0, M0 + MINUTE), [[M0, 2]]);
    });
  });
}
