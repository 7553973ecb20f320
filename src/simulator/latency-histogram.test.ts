import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from './latency-histogram.js';

/** The value a sorted array gives at rank floor(n x fraction), the definition the histogram follows. */
function exactPercentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

test('percentiles are never below the exact value and at most 1 % above it; max and count are exact', () => {
  const histogram = new LatencyHistogram();
  // A long-tailed spread from 50 µs to about 20 s, as a fleet sees when a server stalls now and then.
  const values = Array.from({ length: 20_000 }, (_, i) => 0.05 * 1.0004 ** i);
  for (const value of values) histogram.record(value);
  for (const fraction of [0.5, 0.9, 0.99, 0.999]) {
    const exact = exactPercentile(values, fraction);
    const reported = histogram.percentileMs(fraction);
    assert.ok(reported >= exact && reported <= exact * 1.01, `p${fraction * 100}: ${reported} for exact ${exact}`);
  }
  assert.equal(histogram.summary().maxMs, Math.round(Math.max(...values) * 100) / 100);
  assert.equal(histogram.count, 20_000);
});

test('latencies past the bucket range are kept: up to 10 µs reported as 10 µs, the longest as recorded', () => {
  const histogram = new LatencyHistogram();
  histogram.record(0.001);
  histogram.record(1_000_000);
  assert.equal(histogram.percentileMs(0), 0.01);
  assert.equal(histogram.percentileMs(0.99), 1_000_000);
  assert.equal(histogram.count, 2);
  histogram.reset();
  histogram.record(42);
  assert.deepEqual(histogram.summary(), { p50Ms: 42, p99Ms: 42, maxMs: 42, count: 1 });
});

test('an empty histogram reports zeros, and reset() empties it', () => {
  const histogram = new LatencyHistogram();
  assert.deepEqual(histogram.summary(), { p50Ms: 0, p99Ms: 0, maxMs: 0, count: 0 });
  for (let i = 0; i < 1000; i++) histogram.record(i);
  histogram.reset();
  assert.deepEqual(histogram.summary(), { p50Ms: 0, p99Ms: 0, maxMs: 0, count: 0 });
});
