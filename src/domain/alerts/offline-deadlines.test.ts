import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOfflineDeadlines } from './offline-deadlines.js';

test('takeDue returns only the deadlines that passed, earliest first, and each CWM once', () => {
  const deadlines = createOfflineDeadlines();
  deadlines.set('c', 300);
  deadlines.set('a', 100);
  deadlines.set('b', 200);
  assert.deepEqual(deadlines.takeDue(250, 10), [{ deviceId: 'a', deadlineMs: 100 }, { deviceId: 'b', deadlineMs: 200 }]);
  assert.deepEqual(deadlines.takeDue(250, 10), [], 'taken deadlines are gone');
  assert.equal(deadlines.size, 1);
});

test('a moved deadline replaces the old one: the stale entry is skipped when it surfaces', () => {
  const deadlines = createOfflineDeadlines();
  deadlines.set('a', 100);
  deadlines.set('a', 500);
  assert.deepEqual(deadlines.takeDue(400, 10), []);
  assert.deepEqual(deadlines.takeDue(500, 10), [{ deviceId: 'a', deadlineMs: 500 }]);
  deadlines.set('b', 100);
  deadlines.remove('b');
  assert.deepEqual(deadlines.takeDue(1000, 10), []);
});

test('takeDue stops at the limit and leaves the rest for the next sweep', () => {
  const deadlines = createOfflineDeadlines();
  for (let i = 0; i < 10; i++) deadlines.set(`d${i}`, i);
  assert.equal(deadlines.takeDue(100, 4).length, 4);
  assert.equal(deadlines.takeDue(100, 100).length, 6);
});

test('many moves of few CWMs keep the heap bounded (stale entries are compacted) and the answers right', () => {
  const deadlines = createOfflineDeadlines();
  for (let round = 0; round < 2000; round++) for (let i = 0; i < 5; i++) deadlines.set(`d${i}`, round * 10 + i);
  assert.equal(deadlines.size, 5);
  assert.deepEqual(deadlines.takeDue(19_990 + 2, 10).map((entry) => entry.deviceId), ['d0', 'd1', 'd2']);
});
