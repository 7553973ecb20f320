import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decidePullAdmission, decodeMarkTags, encodeMarkTags, MAX_TAGS_AT_MARK, RESYNC_WINDOW_MS, signatureTag, type PullClockMark } from './pull-replay-guard.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const none: PullClockMark = { markMs: null, tags: [] };

describe('decidePullAdmission', () => {
  test('the first pull of a CWM is taken whatever its clock says', () => {
    assert.deepEqual(decidePullAdmission(none, { deviceMs: 0, tag: 'aa', nowMs: NOW }), { isAdmitted: true, next: { markMs: 0, tags: ['aa'] } });
  });

  test('a later reading moves the mark and forgets the tags of the old one', () => {
    const mark = { markMs: NOW, tags: ['aa', 'bb'] };
    assert.deepEqual(decidePullAdmission(mark, { deviceMs: NOW + 1, tag: 'aa', nowMs: NOW }), { isAdmitted: true, next: { markMs: NOW + 1, tags: ['aa'] } });
  });

  test('at the mark a new tag is added and a known one refused as repeated, retry in a second', () => {
    const mark = { markMs: NOW, tags: ['aa'] };
    assert.deepEqual(decidePullAdmission(mark, { deviceMs: NOW, tag: 'bb', nowMs: NOW }), { isAdmitted: true, next: { markMs: NOW, tags: ['aa', 'bb'] } });
    assert.deepEqual(decidePullAdmission(mark, { deviceMs: NOW, tag: 'aa', nowMs: NOW + 9e9 }), { isAdmitted: false, reason: 'repeated', retryAfterS: 1 });
  });

  test('no more than MAX_TAGS_AT_MARK pulls are taken within one reading', () => {
    const full = { markMs: NOW, tags: Array.from({ length: MAX_TAGS_AT_MARK }, (_, i) => `t${i}`) };
    assert.equal(decidePullAdmission(full, { deviceMs: NOW, tag: 'new', nowMs: NOW }).isAdmitted, false);
  });

  test('an older reading is stale; Retry-After is the time until the clock passes the mark, at most 120 s', () => {
    const mark = { markMs: NOW + 10_000, tags: ['aa'] };
    assert.deepEqual(decidePullAdmission(mark, { deviceMs: NOW + 500, tag: 'bb', nowMs: NOW }), { isAdmitted: false, reason: 'stale', retryAfterS: 11 });
    const far = { markMs: NOW + 3_600_000, tags: ['aa'] };
    assert.deepEqual(decidePullAdmission(far, { deviceMs: NOW - 3 * 3_600_000, tag: 'bb', nowMs: NOW }), { isAdmitted: false, reason: 'stale', retryAfterS: 120 });
  });

  test('a clock set back to the true time from more than the window ahead is taken', () => {
    const ahead = { markMs: NOW + RESYNC_WINDOW_MS + 1000, tags: ['aa'] };
    assert.equal(decidePullAdmission(ahead, { deviceMs: NOW, tag: 'bb', nowMs: NOW }).isAdmitted, true);
    assert.equal(decidePullAdmission(ahead, { deviceMs: NOW - RESYNC_WINDOW_MS - 1, tag: 'bb', nowMs: NOW }).isAdmitted, false, 'not near the true time');
  });

  test('a replay of a pull from within the window before a correct mark is not a resync', () => {
    // The CWM's clock is right; a pull recorded 90 s ago is near the true time but not far behind the mark.
    const mark = { markMs: NOW - 1000, tags: ['aa'] };
    assert.equal(decidePullAdmission(mark, { deviceMs: NOW - 90_000, tag: 'old', nowMs: NOW }).isAdmitted, false);
  });
});

describe('signature tags', () => {
  test('are the first 16 hex digits in lower case, and round-trip through the stored text', () => {
    assert.equal(signatureTag('ABCDEF0123456789ABCDEF'), 'abcdef0123456789');
    assert.deepEqual(decodeMarkTags(encodeMarkTags(['aa', 'bb'])), ['aa', 'bb']);
    assert.deepEqual(decodeMarkTags(''), []);
    assert.deepEqual(decodeMarkTags(null), []);
  });
});
