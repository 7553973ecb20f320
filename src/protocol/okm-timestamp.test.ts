import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtcTimestamp, parseOkmTimestamp } from './okm-timestamp.js';

describe('parseOkmTimestamp', () => {
  test('reads a Z time as a zoned instant', () => {
    assert.deepEqual(parseOkmTimestamp('2020-09-21T17:20:58Z'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 21, 17, 20, 58) });
    assert.deepEqual(parseOkmTimestamp('2020-09-21T17:20:58z'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 21, 17, 20, 58) });
  });

  test('reads a zone-less time, as in the vendor example, as local wall time', () => {
    assert.deepEqual(parseOkmTimestamp('2019-12-26T14:40:00'), { kind: 'local', wallClockMs: 1577371200000 });
  });

  test('applies a +02:00 offset by subtracting it from the wall time', () => {
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13:47+02:00'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 16, 10, 13, 47) });
  });

  test('applies a -0530 offset written without a colon', () => {
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13:47-0530'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 16, 17, 43, 47) });
  });

  test('applies an hours-only +02 offset', () => {
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13:47+02'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 16, 10, 13, 47) });
  });

  test('treats +00:00 and -00:00 as UTC', () => {
    const utc = Date.UTC(2020, 8, 16, 12, 13, 47);
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13:47+00:00'), { kind: 'zoned', epochMs: utc });
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13:47-00:00'), { kind: 'zoned', epochMs: utc });
  });

  test('keeps milliseconds of fractional seconds and drops finer digits', () => {
    assert.deepEqual(parseOkmTimestamp('2022-05-03T20:34:08.111147Z'), { kind: 'zoned', epochMs: Date.UTC(2022, 4, 3, 20, 34, 8, 111) });
    assert.deepEqual(parseOkmTimestamp('2022-05-03T20:34:08.5'), { kind: 'local', wallClockMs: Date.UTC(2022, 4, 3, 20, 34, 8, 500) });
    assert.deepEqual(parseOkmTimestamp('2022-05-03T20:34:08,25Z'), { kind: 'zoned', epochMs: Date.UTC(2022, 4, 3, 20, 34, 8, 250) });
    assert.deepEqual(parseOkmTimestamp('2022-05-03T20:34:08.999999999Z'), { kind: 'zoned', epochMs: Date.UTC(2022, 4, 3, 20, 34, 8, 999) });
  });

  test('reads every millisecond value 000 to 999 exactly', () => {
    for (let ms = 0; ms < 1000; ms++) {
      const text = `2022-05-03T20:34:08.${String(ms).padStart(3, '0')}Z`;
      assert.deepEqual(parseOkmTimestamp(text), { kind: 'zoned', epochMs: Date.UTC(2022, 4, 3, 20, 34, 8, ms) }, text);
    }
  });

  test('accepts a space instead of T and a time without seconds', () => {
    assert.deepEqual(parseOkmTimestamp('2020-09-16 12:13:47Z'), { kind: 'zoned', epochMs: Date.UTC(2020, 8, 16, 12, 13, 47) });
    assert.deepEqual(parseOkmTimestamp('2020-09-16T12:13'), { kind: 'local', wallClockMs: Date.UTC(2020, 8, 16, 12, 13) });
  });

  test('reads a leap second 60 as second 59', () => {
    assert.deepEqual(parseOkmTimestamp('2016-12-31T23:59:60Z'), { kind: 'zoned', epochMs: Date.UTC(2016, 11, 31, 23, 59, 59) });
  });

  test('accepts 29 February in a leap year only', () => {
    assert.deepEqual(parseOkmTimestamp('2024-02-29T00:00:00Z'), { kind: 'zoned', epochMs: Date.UTC(2024, 1, 29) });
    assert.equal(parseOkmTimestamp('2023-02-29T00:00:00Z'), null);
    assert.equal(parseOkmTimestamp('1900-02-29T00:00:00Z'), null);
    assert.deepEqual(parseOkmTimestamp('2000-02-29T00:00:00Z'), { kind: 'zoned', epochMs: Date.UTC(2000, 1, 29) });
  });

  test('keeps years before 100 instead of moving them to the 1900s', () => {
    const expected = new Date(0);
    expected.setUTCFullYear(50, 0, 1);
    assert.deepEqual(parseOkmTimestamp('0050-01-01T00:00:00Z'), { kind: 'zoned', epochMs: expected.getTime() });
    assert.equal(new Date(expected.getTime()).getUTCFullYear(), 50);
  });

  test('refuses impossible dates and times', () => {
    for (const text of [
      '2021-02-30T00:00:00',
      '2021-04-31T00:00:00Z',
      '2021-13-01T00:00:00Z',
      '2021-00-10T00:00:00Z',
      '2021-01-00T00:00:00Z',
      '2021-01-32T00:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-01-01T12:60:00Z',
      '2021-01-01T12:00:61Z',
      '2021-01-01T12:00:00+24:00',
      '2021-01-01T12:00:00+01:60',
    ]) {
      assert.equal(parseOkmTimestamp(text), null, text);
    }
  });

  test('refuses text that is not an ISO-8601 date-time', () => {
    for (const text of [
      '',
      'garbage',
      '2021-01-01',
      '12:00:00',
      '2021/01/01T12:00:00',
      '21-01-01T12:00:00',
      '2021-1-1T12:00:00',
      '2021-01-01T12',
      '2021-01-01t12:00:00',
      ' 2021-01-01T12:00:00Z',
      '2021-01-01T12:00:00Z ',
      '2021-01-01T12:00:00.Z',
      '2021-01-01T12:00:00.1234567890Z',
      '2021-01-01T12:00:00+2',
      '2021-01-01T12:00:00+02:',
      '2021-01-01T12:00:00UTC',
      '1609502400',
    ]) {
      assert.equal(parseOkmTimestamp(text), null, JSON.stringify(text));
    }
  });
});

describe('formatUtcTimestamp', () => {
  test('writes seconds precision with a Z and no milliseconds', () => {
    assert.equal(formatUtcTimestamp(Date.UTC(2020, 8, 21, 17, 20, 58)), '2020-09-21T17:20:58Z');
    assert.equal(formatUtcTimestamp(Date.UTC(2020, 8, 21, 17, 20, 58, 999)), '2020-09-21T17:20:58Z');
    assert.equal(formatUtcTimestamp(0), '1970-01-01T00:00:00Z');
  });

  test('round-trips through parseOkmTimestamp to the whole second', () => {
    const epochMs = Date.UTC(2031, 11, 31, 23, 59, 59);
    assert.deepEqual(parseOkmTimestamp(formatUtcTimestamp(epochMs + 123)), { kind: 'zoned', epochMs });
  });
});
