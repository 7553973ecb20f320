import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCachedReading } from './cached-reading.js';

function counter() {
  let nowMs = 0;
  let reads = 0;
  return {
    advanceMs: (ms: number) => (nowMs += ms),
    nowMs: () => nowMs,
    reads: () => reads,
    read: async () => ++reads,
  };
}

test('asks within maxAgeMs get the reading taken first, without another read', async () => {
  const source = counter();
  const reading = createCachedReading({ read: source.read, maxAgeMs: 10_000, nowMs: source.nowMs });
  assert.equal(await reading(), 1);
  source.advanceMs(9_999);
  assert.equal(await reading(), 1);
  assert.equal(source.reads(), 1);
});

test('an ask once maxAgeMs has passed reads again', async () => {
  const source = counter();
  const reading = createCachedReading({ read: source.read, maxAgeMs: 10_000, nowMs: source.nowMs });
  await reading();
  source.advanceMs(10_000);
  assert.equal(await reading(), 2);
});

test('asks made while a read is running share it', async () => {
  const source = counter();
  const reading = createCachedReading({ read: source.read, maxAgeMs: 10_000, nowMs: source.nowMs });
  assert.deepEqual(await Promise.all([reading(), reading(), reading()]), [1, 1, 1]);
  assert.equal(source.reads(), 1);
});

test('a failed read is served as a failure until maxAgeMs has passed, then read again', async () => {
  let nowMs = 0;
  let reads = 0;
  const reading = createCachedReading({
    read: async () => {
      reads++;
      if (reads === 1) throw new Error('store down');
      return reads;
    },
    maxAgeMs: 5_000,
    nowMs: () => nowMs,
  });
  await assert.rejects(reading(), /store down/);
  await assert.rejects(reading(), /store down/);
  assert.equal(reads, 1);
  nowMs = 5_000;
  assert.equal(await reading(), 2);
});
