// Rollups merged by several nodes at once into the same rows of one PostgreSQL database: every delta
// counted exactly once (no merge lost to a concurrent read-modify-write), new rows included; and a
// batch naming a key more than once, and a batch of thousands of keys.
// Skipped, with the reason, without a reachable server (OPENTPS_TEST_PG_URL).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../domain/store.js';
import type { FieldStats, RollupDelta } from '../../../domain/rollup-store.js';
import { openPostgresStore } from './postgres-store.js';
import { createTestDatabase, postgresSkipReason } from '../../../../test/support/postgres-test-database.js';

const skipReason = await postgresSkipReason();
const database = skipReason === false ? await createTestDatabase('opentps_rollup_test') : { skipReason };

const MINUTE = 60_000;
const M0 = 1_700_000_040_000 - (1_700_000_040_000 % (60 * MINUTE));
const DEVICES = ['0363000000000001', '0363000000000002', '0363000000000003'];

const stats = (min: number, max: number, sum: number, count: number): FieldStats => ({ min, max, sum, count });
const delta = (originId: string, bucketStartMs: number, fields: Record<string, FieldStats>): RollupDelta =>
  ({ originId, bucketStartMs, fields: new Map(Object.entries(fields)) });

if ('skipReason' in database) {
  describe('PostgreSQL rollups', { skip: database.skipReason }, () => {});
} else {
  after(() => database.drop());

  describe('PostgreSQL rollups', () => {
    test('two nodes merging into the same rows at once (new and existing, keys in opposite orders): totals exact', async () => {
      const open = (): Promise<Store> => openPostgresStore({ connectionString: database.url, schema: 'rollup_two_nodes', maxConnections: 4 });
      const nodes = [await open(), await open()] as const;
      try {
        const ROUNDS = 20;
        // Each round: both nodes merge into the same 3 devices × 2 minutes that exist after the first round,
        // and in odd rounds also into a new minute (rows created by both at once), node B naming the keys in
        // the opposite order of node A. (A new key in both batches makes the second node wait at its insert
        // for the first's commit: even rounds, with none, are the ones that need the row locks.)
        const bucketsOf = (round: number) => (round % 2 === 1 ? [M0, M0 + MINUTE, M0 + (2 + round) * MINUTE] : [M0, M0 + MINUTE]);
        const batchOf = (node: number, round: number): RollupDelta[] => {
          const batch: RollupDelta[] = [];
          for (const originId of DEVICES) {
            for (const bucketMs of bucketsOf(round)) {
              const value = 1 + node * 1000 + round;
              batch.push(delta(originId, bucketMs, { temp: stats(value, value + 1, 2 * value + 1, 2), on: stats(node, node, node, 1) }));
            }
          }
          return node === 0 ? batch : batch.reverse();
        };
        for (let round = 0; round < ROUNDS; round++) {
          await Promise.all(nodes.map((store, node) =>
            store.mergeRollups('minute', batchOf(node, round), new Map([[M0, 1 + node], [M0 + (1 + (round % 2)) * MINUTE, 10]]))));
        }

        const query = (field: string, originIds = DEVICES) =>
          nodes[1].queryRollupSeries({ originIds, field, fromMs: M0, toMs: M0 + 60 * MINUTE, resolution: 'minute' });
        const perNode = (node: number, rounds: number[]) => rounds.map((round) => 1 + node * 1000 + round);
        const all = Array.from({ length: ROUNDS }, (_, round) => round);
        const values = [...perNode(0, all), ...perNode(1, all)];
        const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

        // The two shared minutes got every round of both nodes.
        const shared = stats(Math.min(...values), Math.max(...values) + 1, sum(values.map((v) => 2 * v + 1)), 4 * ROUNDS);
        for (const originId of DEVICES) {
          const series = await query('temp', [originId]);
          assert.equal(series.length, 2 + ROUNDS / 2);
          assert.deepEqual(series[0], { bucketStartMs: M0, stats: shared, devices: 1, sumOfMeans: shared.sum / shared.count });
          assert.deepEqual(series[1]?.stats, shared);
          // An odd round's own minute, made by both nodes at once: both merges in it.
          for (let round = 1; round < ROUNDS; round += 2) {
            const both = [1 + round, 1001 + round];
            const point = series.find((p) => p.bucketStartMs === M0 + (2 + round) * MINUTE);
            assert.deepEqual(point?.stats, stats(both[0] as number, (both[1] as number) + 1, sum(both.map((v) => 2 * v + 1)), 4), `round ${round}`);
          }
        }
        const fleetWide = await query('on');
        assert.deepEqual(fleetWide[0], { bucketStartMs: M0, stats: stats(0, 1, 3 * ROUNDS, 3 * 2 * ROUNDS), devices: 3, sumOfMeans: 3 * 0.5 });

        const fleet = await nodes[0].countFleetOkmsPerMinute(M0, M0 + 60 * MINUTE);
        const tens = (parity: number) => 2 * 10 * all.filter((round) => round % 2 === parity).length;
        assert.deepEqual(fleet, [[M0, 3 * ROUNDS], [M0 + MINUTE, tens(0)], [M0 + 2 * MINUTE, tens(1)]]);
      } finally {
        await Promise.all(nodes.map((store) => store.close()));
      }
    });

    test('a key twice in one batch merges both; a batch of thousands of keys is stored whole', async () => {
      const store = await openPostgresStore({ connectionString: database.url, schema: 'rollup_batches', maxConnections: 2 });
      try {
        await store.mergeRollups('hour', [
          delta(DEVICES[0] as string, M0, { temp: stats(5, 5, 5, 1) }),
          delta(DEVICES[0] as string, M0, { temp: stats(1, 3, 4, 2), rpm: stats(900, 900, 900, 1) }),
        ], new Map());
        assert.deepEqual(
          await store.queryRollupSeries({ originIds: [DEVICES[0] as string], field: 'temp', fromMs: M0, toMs: M0 + 60 * MINUTE, resolution: 'hour' }),
          [{ bucketStartMs: M0, stats: stats(1, 5, 9, 3), devices: 1, sumOfMeans: 3 }],
        );

        const originIds = Array.from({ length: 2500 }, (_, i) => `0363${i.toString(16).padStart(12, '0')}`);
        const fleet = new Map(Array.from({ length: 3000 }, (_, i): [number, number] => [M0 + i * MINUTE, i + 1]));
        await store.mergeRollups('minute', originIds.map((id, i) => delta(id, M0, { temp: stats(i, i, i, 1) })), fleet);
        const [point] = await store.queryRollupSeries({ originIds, field: 'temp', fromMs: M0, toMs: M0 + MINUTE, resolution: 'minute' });
        assert.deepEqual(point?.stats, stats(0, 2499, (2499 * 2500) / 2, 2500));
        assert.equal(point?.devices, 2500);
        assert.equal((await store.countFleetOkmsPerMinute(M0, M0 + 3000 * MINUTE)).length, 3000);
        assert.equal(await store.pruneRollups('minute', M0 + MINUTE, 1000), 1000);
        assert.equal(await store.pruneRollups('minute', M0 + MINUTE, 5000), 1500);
        assert.deepEqual(await store.countFleetOkmsPerMinute(M0, M0 + 2 * MINUTE), [[M0 + MINUTE, 2]]);
      } finally {
        await store.close();
      }
    });
  });
}
