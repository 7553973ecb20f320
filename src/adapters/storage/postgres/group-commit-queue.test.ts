import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroupCommitQueue } from './group-commit-queue.js';

test('calls of one turn go in batches of at most maxBatchSize, and onBatchSettled hears of each with its size', async () => {
  const batches: number[][] = [];
  const settled: number[] = [];
  const queue = createGroupCommitQueue<number, number>({
    maxBatchSize: 2,
    maxConcurrentBatches: 1,
    runBatch: async (items) => {
      batches.push([...items]);
      return items.map((item) => ({ ok: true, value: item * 10 }));
    },
    onBatchSettled: (items, durationMs) => {
      assert.ok(durationMs >= 0);
      settled.push(items);
    },
  });
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((item) => queue.run(item))), [10, 20, 30, 40, 50]);
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(settled, [2, 2, 1]);
});

test('a batch that fails is reported too, and fails each of its calls', async () => {
  const settled: number[] = [];
  const queue = createGroupCommitQueue<number, number>({
    maxBatchSize: 10,
    maxConcurrentBatches: 1,
    runBatch: async () => {
      throw new Error('connection lost');
    },
    onBatchSettled: (items) => settled.push(items),
  });
  const results = await Promise.allSettled([queue.run(1), queue.run(2)]);
  assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
  assert.deepEqual(settled, [2]);
});
