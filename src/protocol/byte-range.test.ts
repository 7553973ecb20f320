import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentRangeOf, decideRange, unsatisfiedContentRange } from './byte-range.js';

const SIZE = 1023;

test('no Range header means the whole file', () => {
  assert.deepEqual(decideRange(undefined, SIZE), { kind: 'full' });
});

test('the first byte, the last byte, an open range and a suffix range select exactly those bytes', () => {
  assert.deepEqual(decideRange('bytes=0-0', SIZE), { kind: 'partial', start: 0, end: 0 });
  assert.deepEqual(decideRange('bytes=1022-1022', SIZE), { kind: 'partial', start: 1022, end: 1022 });
  assert.deepEqual(decideRange('bytes=1000-', SIZE), { kind: 'partial', start: 1000, end: 1022 });
  assert.deepEqual(decideRange('bytes=-1', SIZE), { kind: 'partial', start: 1022, end: 1022 });
  assert.deepEqual(decideRange('bytes=-23', SIZE), { kind: 'partial', start: 1000, end: 1022 });
});

test('a range running past the end is clamped; a suffix longer than the file is the whole file as a 206', () => {
  assert.deepEqual(decideRange('bytes=1000-99999', SIZE), { kind: 'partial', start: 1000, end: 1022 });
  assert.deepEqual(decideRange('bytes=-5000', SIZE), { kind: 'partial', start: 0, end: 1022 });
});

test('a range starting at or past the end, or a zero suffix, is unsatisfiable (416)', () => {
  assert.deepEqual(decideRange('bytes=1023-', SIZE), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=5000-6000', SIZE), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=-0', SIZE), { kind: 'unsatisfiable' });
  assert.deepEqual(decideRange('bytes=0-', 0), { kind: 'unsatisfiable' }, 'nothing is satisfiable in an empty file');
});

test('invalid syntax, other units and several ranges are ignored: the whole file (RFC 9110 14.2)', () => {
  for (const header of ['bytes=5-1', 'bytes=abc', 'bytes=', 'bytes=-', 'items=0-1', 'bytes 0-1', 'bytes=0-1,5-6', 'bytes=1.5-2', 'bytes=0x10-']) {
    assert.deepEqual(decideRange(header, SIZE), { kind: 'full' }, header);
  }
});

test('the unit is case-insensitive and whitespace around the numbers is tolerated', () => {
  assert.deepEqual(decideRange('Bytes = 0 - 9', SIZE), { kind: 'partial', start: 0, end: 9 });
});

test('Content-Range values follow RFC 9110 14.4', () => {
  assert.equal(contentRangeOf(0, 0, SIZE), 'bytes 0-0/1023');
  assert.equal(unsatisfiedContentRange(SIZE), 'bytes */1023');
});
