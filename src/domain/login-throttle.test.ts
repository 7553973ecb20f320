import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADDRESS_BACKOFF, createLoginThrottle, MAX_TRACKED_LOGIN_KEYS, NAME_BACKOFF, PAIR_BACKOFF, type LoginThrottle } from './login-throttle.js';

function manualClock(): { nowMs: () => number; advanceMs: (ms: number) => void } {
  let nowMs = Date.UTC(2026, 10, 24, 12);
  return { nowMs: () => nowMs, advanceMs: (ms) => (nowMs += ms) };
}

/** Admits one attempt and fails it; the Retry-After instead when it is refused. */
function fail(throttle: LoginThrottle, name: string, address: string): number | 'failed' {
  const admission = throttle.admit(name, address);
  if (!admission.isAllowed) return admission.retryAfterS;
  admission.attempt.failed();
  return 'failed';
}

function retryAfterS(throttle: LoginThrottle, name: string, address: string): number | 'allowed' {
  const admission = throttle.admit(name, address);
  if (admission.isAllowed) {
    admission.attempt.abandoned();
    return 'allowed';
  }
  return admission.retryAfterS;
}

test('after three free failures each further attempt waits twice as long, 1 s up to 5 minutes', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let i = 0; i < PAIR_BACKOFF.freeFailures; i++) assert.equal(fail(throttle, 'admin', '198.51.100.1'), 'failed');
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    const wait = retryAfterS(throttle, 'admin', '198.51.100.1');
    assert.equal(typeof wait, 'number');
    waits.push(Number(wait));
    clock.advanceMs(Number(wait) * 1000 - 1);
    assert.equal(retryAfterS(throttle, 'admin', '198.51.100.1'), 1, 'still refused a millisecond early');
    clock.advanceMs(1);
    assert.equal(fail(throttle, 'admin', '198.51.100.1'), 'failed');
  }
  assert.deepEqual(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
});

test('a success forgets the failures of that name and address', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let i = 0; i < 5; i++) {
    fail(throttle, 'admin', '198.51.100.1');
    clock.advanceMs(60_000);
  }
  clock.advanceMs(60_000);
  const admission = throttle.admit('admin', '198.51.100.1');
  assert.ok(admission.isAllowed);
  admission.attempt.succeeded();
  for (let i = 0; i < PAIR_BACKOFF.freeFailures; i++) assert.equal(fail(throttle, 'admin', '198.51.100.1'), 'failed', 'the free failures are back');
  assert.equal(retryAfterS(throttle, 'admin', '198.51.100.1'), 1);
});

test('failures are forgiven one per hour for a name and address after the last one', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let i = 0; i < 4; i++) {
    fail(throttle, 'admin', '198.51.100.1');
    clock.advanceMs(2000);
  }
  clock.advanceMs(PAIR_BACKOFF.forgiveOneEveryMs * 2);
  assert.equal(fail(throttle, 'admin', '198.51.100.1'), 'failed', 'two of four forgiven: the third failure is free');
  assert.equal(retryAfterS(throttle, 'admin', '198.51.100.1'), 1);
});

test('a fresh address is not refused for a name that other addresses have failed on many times', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let address = 1; address <= 10; address++) {
    for (let i = 0; i < PAIR_BACKOFF.freeFailures; i++) fail(throttle, 'admin', `203.0.113.${address}`);
  }
  assert.equal(retryAfterS(throttle, 'admin', '198.51.100.99'), 'allowed');
  // An address that has failed for the name waits on the name's milder back-off, however many its own failures.
  assert.equal(fail(throttle, 'admin', '198.51.100.50'), 'failed');
  const wait = retryAfterS(throttle, 'admin', '198.51.100.50');
  assert.equal(typeof wait, 'number');
  assert.ok(Number(wait) <= NAME_BACKOFF.maxDelayMs / 1000);
});

test('one address trying many names waits once it has failed ten times', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let i = 0; i < ADDRESS_BACKOFF.freeFailures; i++) assert.equal(fail(throttle, `operator${i}`, '203.0.113.9'), 'failed');
  assert.equal(retryAfterS(throttle, 'someone-else', '203.0.113.9'), 1);
  assert.equal(retryAfterS(throttle, 'someone-else', '203.0.113.10'), 'allowed', 'another address is not affected');
});

test('attempts past the free allowance wait while earlier ones are still being checked', () => {
  const throttle = createLoginThrottle({ clock: manualClock() });
  const admitted = Array.from({ length: 10 }, () => throttle.admit('admin', '203.0.113.9'));
  assert.equal(admitted.filter((admission) => admission.isAllowed).length, PAIR_BACKOFF.freeFailures);
  assert.ok(admitted.every((admission) => admission.isAllowed || admission.retryAfterS === 1));
  for (const admission of admitted) if (admission.isAllowed) admission.attempt.abandoned();
  assert.equal(throttle.trackedKeyCount(), 0, 'abandoned attempts count nothing');
});

test('the tracked keys stay bounded under 100,000 distinct names from distinct addresses, the oldest forgotten first', () => {
  const clock = manualClock();
  const throttle = createLoginThrottle({ clock });
  for (let i = 0; i < PAIR_BACKOFF.freeFailures; i++) fail(throttle, 'admin', '198.51.100.1');
  assert.equal(retryAfterS(throttle, 'admin', '198.51.100.1'), 1);
  for (let i = 0; i < 100_000; i++) {
    assert.equal(fail(throttle, `name-${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`), 'failed');
    assert.ok(throttle.trackedKeyCount() <= MAX_TRACKED_LOGIN_KEYS);
  }
  assert.equal(throttle.trackedKeyCount(), MAX_TRACKED_LOGIN_KEYS);
  assert.equal(retryAfterS(throttle, 'admin', '198.51.100.1'), 'allowed', 'the oldest entries were forgotten');
  for (let i = 0; i < PAIR_BACKOFF.freeFailures - 1; i++) fail(throttle, 'name-99999', '10.1.134.159');
  assert.equal(retryAfterS(throttle, 'name-99999', '10.1.134.159'), 1, 'the newest are still tracked');
});

test('one address sending 100,000 distinct names adds no keys once it is refused', () => {
  const throttle = createLoginThrottle({ clock: manualClock() });
  for (let i = 0; i < 100_000; i++) fail(throttle, `name-${i}`, '203.0.113.9');
  // The address itself, and a pair and a name for each of its ten free failures.
  assert.equal(throttle.trackedKeyCount(), 1 + 2 * ADDRESS_BACKOFF.freeFailures);
});
