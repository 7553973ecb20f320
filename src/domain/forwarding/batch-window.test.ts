import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToSend } from './batch-window.js';

const LIMITS = { maxEvents: 3, maxBytes: 100, maxAgeMs: 1000 };
const events = (count: number, bytes = 10, readAtMs = 0) => Array.from({ length: count }, () => ({ readAtMs, bytes }));

test('a full batch goes at once; fewer wait until the oldest is old enough', () => {
  assert.equal(eventsToSend(events(5), LIMITS, 0), 3);
  assert.equal(eventsToSend(events(2), LIMITS, 999), 0);
  assert.equal(eventsToSend(events(2), LIMITS, 1000), 2);
  assert.equal(eventsToSend([], LIMITS, 5000), 0);
});

test('the body size bounds a batch too, and an event larger than the bound goes alone', () => {
  assert.equal(eventsToSend(events(3, 40), LIMITS, 0), 2, '2 + 40 + 1 + 40 fits, a third would not');
  assert.equal(eventsToSend([{ readAtMs: 0, bytes: 500 }, { readAtMs: 0, bytes: 10 }], LIMITS, 0), 1);
});
