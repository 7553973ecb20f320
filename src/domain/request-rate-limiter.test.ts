import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestRateLimiter } from './request-rate-limiter.js';

test('each client gets its own bucket of requests per minute, refilled over time, with the wait to retry', () => {
  let nowMs = 0;
  const limiter = createRequestRateLimiter({ clock: { nowMs: () => nowMs }, requestsPerMinute: 3 });
  assert.deepEqual([1, 2, 3].map(() => limiter.take('device:A').isAllowed), [true, true, true]);
  const refused = limiter.take('device:A');
  assert.equal(refused.isAllowed, false);
  assert.equal(!refused.isAllowed && refused.retryAfterS, 20);
  assert.equal(limiter.take('device:B').isAllowed, true, 'another device is not affected');
  nowMs += 20_000;
  assert.equal(limiter.take('device:A').isAllowed, true);
  assert.equal(limiter.take('device:A').isAllowed, false);
});
