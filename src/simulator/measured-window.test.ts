import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimStats } from './sim-stats.js';

test('latencies and counts before the window opens and after it closes count in the whole run only', () => {
  const stats = new SimStats(false);
  const startedAtMs = 1_000_000;
  // Ramp-up: slow answers while the server warms up, one 503.
  stats.recordAck('a', 900);
  stats.recordAck('b', 800);
  stats.busy++;
  stats.measured.open(startedAtMs + 60_000, stats);
  for (let i = 0; i < 100; i++) stats.recordAck(`m${i}`, 5 + (i % 10));
  stats.recordPullLatency(7);
  stats.errors++;
  stats.measured.close(startedAtMs + 120_000, stats);
  // The final drain after the deadline.
  stats.recordAck('z', 2000);
  stats.rejected++;

  const measured = stats.measured.summary(startedAtMs, startedAtMs + 130_000, stats);
  assert.deepEqual(
    { ...measured, p50Ms: undefined, p99Ms: undefined },
    { fromS: 60, toS: 120, p50Ms: undefined, p99Ms: undefined, maxMs: 14, count: 101, pushesAcked: 100, pushesPerS: 1.7, pullRequests: 1, errors: 1, busy: 0, rejected: 0 },
  );
  assert.ok((measured?.p99Ms ?? 0) <= 14 && (measured?.p99Ms ?? 0) >= 13.9, `measured p99 ${measured?.p99Ms}`);
  const whole = stats.whole.summary();
  assert.equal(whole.count, 104);
  assert.equal(whole.maxMs, 2000);
  assert.ok(whole.p99Ms >= 800, `the ramp-up and drain latencies are in the whole run's p99 (${whole.p99Ms})`);
});

test('a window that is still open reports up to now; one never opened reports null', () => {
  const stats = new SimStats(false);
  assert.equal(stats.measured.summary(0, 10_000, stats), null, 'the run ended within its ramp-up');
  stats.measured.open(2_000, stats);
  stats.recordAck('a', 3);
  stats.recordAck('b', 3);
  const open = stats.measured.summary(0, 4_000, stats);
  assert.equal(open?.toS, 4);
  assert.equal(open?.pushesPerS, 1);
  stats.measured.open(3_000, stats);
  assert.equal(stats.measured.summary(0, 4_000, stats)?.fromS, 2, 'opening twice keeps the first opening');
});
