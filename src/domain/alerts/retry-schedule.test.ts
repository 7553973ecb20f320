import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAtMs, retryDelayMs } from './retry-schedule.js';

const HOUR_MS = 3_600_000;

describe('retry schedule', () => {
  it('waits 30 s after the first failure and doubles the wait after each further one', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt)), [30_000, 60_000, 120_000, 240_000, 480_000]);
  });

  it('never waits longer than an hour, however many attempts failed', () => {
    assert.equal(retryDelayMs(8), HOUR_MS); // 30 s * 128 = 64 min: capped
    assert.equal(retryDelayMs(50), HOUR_MS);
    assert.equal(retryDelayMs(5000), HOUR_MS);
  });

  it('spreads each wait by at most 10 % either way with the injected random source', () => {
    const at = (random: number): number | null => nextAttemptAtMs({ createdAtMs: 0, failedAttempt: 2, failedAtMs: 1_000 }, () => random);
    assert.equal(at(0), 1_000 + 54_000);
    assert.equal(at(0.5), 1_000 + 60_000);
    assert.equal(at(0.999_999), 1_000 + 66_000);
  });

  it('gives up when the next attempt would be more than 24 h after the entry was created', () => {
    const createdAtMs = 1_000_000;
    // Failed 23.5 h in: the next try (in an hour, no jitter) would be 24.5 h in.
    const late = nextAttemptAtMs({ createdAtMs, failedAttempt: 30, failedAtMs: createdAtMs + 23.5 * HOUR_MS }, () => 0.5);
    assert.equal(late, null);
    // Failed 22.5 h in: the next try is at 23.5 h, still within the day.
    const inTime = nextAttemptAtMs({ createdAtMs, failedAttempt: 30, failedAtMs: createdAtMs + 22.5 * HOUR_MS }, () => 0.5);
    assert.equal(inTime, createdAtMs + 23.5 * HOUR_MS);
  });

  it('keeps an attempt that lands exactly 24 h after creation', () => {
    const exactly = nextAttemptAtMs({ createdAtMs: 0, failedAttempt: 30, failedAtMs: 23 * HOUR_MS }, () => 0.5);
    assert.equal(exactly, DEFAULT_RETRY_SCHEDULE.giveUpAfterMs);
  });

  it('retries about 30 times over a day of failures before giving up', () => {
    let failedAtMs = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAtMs({ createdAtMs: 0, failedAttempt: attempts, failedAtMs }, () => 0.5);
      if (next === null) break;
      assert.ok(next > failedAtMs);
      failedAtMs = next;
    }
    // 7 doubling waits (30 s .. 32 min, about 64 min in all), then hourly until 24 h: 7 + 22 retries.
    assert.ok(attempts >= 28 && attempts <= 31, `gave up after ${attempts} attempts`);
    assert.ok(failedAtMs <= 24 * HOUR_MS && failedAtMs > 23 * HOUR_MS);
  });
});
