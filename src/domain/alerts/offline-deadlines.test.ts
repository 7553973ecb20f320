import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOfflineDeadlines } from './offline-deadlines.js';

test('takeDue returns only the deadlines that passed, earliest second first, and each CWM once', () => {
  const deadlines = createOfflineDeadlines();
  deadlines.set('c', 3000);
  deadlines.set('a', 1000);
  deadlines.set('b', 2000);
  deadlines.set('b2', 2700);
  assert.deepEqual(deadlines.takeDue(2500, 10), [{ deviceId: 'a', deadlineMs: 1000 }, { deviceId: 'b', deadlineMs: 2000 }], 'b2, in the same second but later, waits');
  assert.deepEqual(deadlines.takeDue(2500, 10), [], 'taken deadlines are gone');
  assert.deepEqual(deadlines.takeDue(2700, 10), [{ deviceId: 'b2', deadlineMs: 2700 }]);
  assert.equal(deadlines.size, 1);
});

test('a moved deadline replaces the old one: the stale entry is skipped when it surfaces', () => {
  const deadlines = createOfflineDeadlines();
  deadlines.set('a', 1000);
  deadlines.set('a', 5000);
  assert.deepEqual(deadlines.takeDue(4000, 10), []);
  assert.deepEqual(deadlines.takeDue(5000, 10), [{ deviceId: 'a', deadlineMs: 5000 }]);
  deadlines.set('b', 100);
  deadlines.remove('b');
  assert.deepEqual(deadlines.takeDue(1000, 10), []);
});

test('takeDue stops at the limit and leaves the rest for the next sweep', () => {
  const deadlines = createOfflineDeadlines();
  for (let i = 0; i < 10; i++) deadlines.set(`d${i}`, i * 700);
  assert.equal(deadlines.takeDue(100_000, 4).length, 4);
  assert.equal(deadlines.takeDue(100_000, 100).length, 6);
});

test('many moves of few CWMs leave nothing behind: the answers stay right', () => {
  const deadlines = createOfflineDeadlines();
  for (let round = 0; round < 2000; round++) for (let i = 0; i < 5; i++) deadlines.set(`d${i}`, round * 1000 + i * 100);
  assert.equal(deadlines.size, 5);
  assert.deepEqual(deadlines.takeDue(1_999_000 + 250, 10).map((entry) => entry.deviceId).sort(), ['d0', 'd1', 'd2']);
  assert.deepEqual(deadlines.takeDue(1_999_999, 10).map((entry) => entry.deviceId).sort(), ['d3', 'd4']);
  assert.equal(deadlines.size, 0);
});

test('deadlines in the past (a CWM already silent at start) are all taken by the first sweep', () => {
  const deadlines = createOfflineDeadlines();
  for (let i = 0; i < 1000; i++) deadlines.set(`d${i}`, 1000 + i * 37);
  const due = deadlines.takeDue(1_000_000, 5000);
  assert.equal(due.length, 1000);
  assert.ok(due.every((entry, index) => index === 0 || Math.floor(entry.deadlineMs / 1000) >= Math.floor((due[index - 1]?.deadlineMs ?? 0) / 1000)), 'by bucket');
});
