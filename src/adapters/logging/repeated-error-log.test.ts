import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { createRepeatedErrorLog, type FailureLogger } from './repeated-error-log.js';

interface Line {
  readonly level: 'error' | 'warn' | 'info';
  readonly fields: object;
  readonly message: string;
}

function capturingLogger(): FailureLogger & { readonly lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
  };
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('the first failure is logged in full, the next ones in the same interval only counted, and one line per interval gives the count', () => {
  const logger = capturingLogger();
  const failures = createRepeatedErrorLog({ logger, intervalMs: 10_000 });
  const err = new Error('database or disk is full');
  for (let i = 0; i < 500; i++) failures.report('error', 'device request failed ERR_STORE_UNAVAILABLE', { err }, 'device request failed');
  assert.deepEqual(logger.lines, [{ level: 'error', fields: { err }, message: 'device request failed' }]);

  mock.timers.tick(10_000);
  assert.equal(logger.lines.length, 2);
  assert.deepEqual(logger.lines[1]?.fields, { suppressed: 499, intervalMs: 10_000 });
  assert.equal(logger.lines[1]?.message, 'device request failed (499 more like it in the last 10 s, not logged one by one)');

  for (let i = 0; i < 30; i++) failures.report('error', 'device request failed ERR_STORE_UNAVAILABLE', { err }, 'device request failed');
  mock.timers.tick(10_000);
  assert.equal(logger.lines.length, 3, 'still repeating: a count line, no second stack');
  assert.deepEqual(logger.lines[2]?.fields, { suppressed: 30, intervalMs: 10_000 });
});

test('after a whole quiet interval the same failure is news again and logged in full', () => {
  const logger = capturingLogger();
  const failures = createRepeatedErrorLog({ logger, intervalMs: 10_000 });
  failures.report('warn', 'health', { reason: 'a' }, 'health check failed');
  mock.timers.tick(10_000);
  assert.equal(logger.lines.length, 1, 'nothing suppressed, nothing to count');
  failures.report('warn', 'health', { reason: 'b' }, 'health check failed');
  assert.deepEqual(logger.lines.map((line) => line.fields), [{ reason: 'a' }, { reason: 'b' }]);
});

test('different keys are logged and counted apart', () => {
  const logger = capturingLogger();
  const failures = createRepeatedErrorLog({ logger, intervalMs: 1000 });
  failures.report('error', 'a', {}, 'failure a');
  failures.report('error', 'b', {}, 'failure b');
  failures.report('error', 'a', {}, 'failure a');
  assert.deepEqual(logger.lines.map((line) => line.message), ['failure a', 'failure b']);
  mock.timers.tick(1000);
  assert.deepEqual(logger.lines.slice(2).map((line) => line.message), ['failure a (1 more like it in the last 1 s, not logged one by one)']);
});

test('close reports what is still counted and leaves no timer behind', () => {
  const logger = capturingLogger();
  const failures = createRepeatedErrorLog({ logger, intervalMs: 10_000 });
  failures.report('error', 'a', {}, 'failure a');
  failures.report('error', 'a', {}, 'failure a');
  failures.close();
  assert.equal(logger.lines.length, 2);
  mock.timers.tick(60_000);
  assert.equal(logger.lines.length, 2);
});

test('past 256 keys, new keys share one count instead of each logging every time', () => {
  const logger = capturingLogger();
  const failures = createRepeatedErrorLog({ logger, intervalMs: 10_000 });
  for (let i = 0; i < 1000; i++) failures.report('error', `key ${i}`, {}, `failure ${i}`);
  assert.equal(logger.lines.length, 257);
  failures.close();
});
