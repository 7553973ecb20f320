import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFailureWindow, FAILURE_WINDOW_MS } from './failure-window.js';

test('failures count within the last hour only, per CWM', () => {
  const window = createFailureWindow(() => 10);
  assert.equal(window.note('a', 0), 1);
  assert.equal(window.note('a', 1000), 2);
  assert.equal(window.note('b', 1000), 1);
  assert.equal(window.countOf('a', FAILURE_WINDOW_MS - 1), 2);
  assert.equal(window.countOf('a', FAILURE_WINDOW_MS + 500), 1, 'the first failure left the window');
  assert.equal(window.countOf('a', 2 * FAILURE_WINDOW_MS), 0);
  assert.deepEqual([...window.deviceIds()], ['b']);
});

test('at most the largest needed count is kept per CWM, so a flood of failures costs bounded memory', () => {
  const window = createFailureWindow(() => 3);
  for (let i = 0; i < 1000; i++) window.note('a', i);
  assert.equal(window.countOf('a', 1000), 3);
});
