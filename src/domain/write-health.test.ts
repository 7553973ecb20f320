import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWriteHealth, type WriteHealthChange } from './write-health.js';

function manualClock(): { nowMs: () => number; advanceMs: (ms: number) => void } {
  let nowMs = Date.UTC(2026, 11, 1, 12);
  return { nowMs: () => nowMs, advanceMs: (ms) => (nowMs += ms) };
}

test('a store that has only committed reports no failure', () => {
  const health = createWriteHealth({ clock: manualClock() });
  health.noteCommitted();
  assert.equal(health.failure, null);
});

test('failed writes are counted in one run from the first failure until the next commit clears it', () => {
  const clock = manualClock();
  const start = clock.nowMs();
  const health = createWriteHealth({ clock });
  health.noteFailed('disk full');
  clock.advanceMs(1500);
  health.noteFailed('disk full');
  health.noteFailed('disk full');
  assert.deepEqual(health.failure, { reason: 'disk full', sinceMs: start, lastAtMs: start + 1500, failedCount: 3 });
  health.noteCommitted();
  assert.equal(health.failure, null);
});

test('listeners hear when writes begin to fail, when the reason changes and when they recover, not on every write', () => {
  const clock = manualClock();
  const health = createWriteHealth({ clock });
  const changes: WriteHealthChange[] = [];
  const unsubscribe = health.onChange((change) => changes.push(change));
  health.noteCommitted();
  health.noteFailed('disk full');
  health.noteFailed('disk full');
  health.noteFailed('I/O error');
  clock.advanceMs(2000);
  health.noteCommitted();
  health.noteCommitted();
  assert.deepEqual(
    changes.map((change) => [change.kind, change.failure.reason, change.failure.failedCount]),
    [
      ['failing', 'disk full', 1],
      ['failing', 'I/O error', 3],
      ['recovered', 'I/O error', 3],
    ],
  );
  unsubscribe();
  health.noteFailed('disk full');
  assert.equal(changes.length, 3, 'no change heard after unsubscribing');
});
