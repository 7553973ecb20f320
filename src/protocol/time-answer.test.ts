import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeAnswer, isKnownTimeZone } from './time-answer.js';

const WINTER = Date.UTC(2026, 0, 15, 10, 30, 45); // 2026-01-15T10:30:45Z
const SUMMER = Date.UTC(2026, 6, 1, 12, 0, 0); // 2026-07-01T12:00:00Z

describe('buildTimeAnswer', () => {
  test('answers UTC with offset 0 and the same local time', () => {
    assert.deepEqual(buildTimeAnswer(WINTER, 'UTC'), {
      utc: '2026-01-15T10:30:45Z',
      epoch: 1768473045,
      local: '2026-01-15T10:30:45',
      offset: 0,
      tz: 'UTC',
    });
  });

  test('answers Paris winter time at +60 minutes', () => {
    assert.deepEqual(buildTimeAnswer(WINTER, 'Europe/Paris'), {
      utc: '2026-01-15T10:30:45Z',
      epoch: 1768473045,
      local: '2026-01-15T11:30:45',
      offset: 60,
      tz: 'Europe/Paris',
    });
  });

  test('answers Paris summer time at +120 minutes, as in the documented example', () => {
    assert.deepEqual(buildTimeAnswer(SUMMER, 'Europe/Paris'), {
      utc: '2026-07-01T12:00:00Z',
      epoch: 1782907200,
      local: '2026-07-01T14:00:00',
      offset: 120,
      tz: 'Europe/Paris',
    });
  });

  test('answers New York at -300 minutes in winter and -240 in summer', () => {
    const winter = buildTimeAnswer(WINTER, 'America/New_York');
    assert.equal(winter.local, '2026-01-15T05:30:45');
    assert.equal(winter.offset, -300);
    const summer = buildTimeAnswer(SUMMER, 'America/New_York');
    assert.equal(summer.local, '2026-07-01T08:00:00');
    assert.equal(summer.offset, -240);
  });

  test('answers Kolkata at +330 minutes all year', () => {
    assert.deepEqual(buildTimeAnswer(WINTER, 'Asia/Kolkata'), {
      utc: '2026-01-15T10:30:45Z',
      epoch: 1768473045,
      local: '2026-01-15T16:00:45',
      offset: 330,
      tz: 'Asia/Kolkata',
    });
    assert.equal(buildTimeAnswer(SUMMER, 'Asia/Kolkata').offset, 330);
  });

  test('switches offset exactly at the Paris daylight-saving change', () => {
    const before = buildTimeAnswer(Date.UTC(2026, 2, 29, 0, 59, 59), 'Europe/Paris');
    assert.equal(before.local, '2026-03-29T01:59:59');
    assert.equal(before.offset, 60);
    const after = buildTimeAnswer(Date.UTC(2026, 2, 29, 1, 0, 0), 'Europe/Paris');
    assert.equal(after.local, '2026-03-29T03:00:00');
    assert.equal(after.offset, 120);
  });

  test('moves the local date across midnight and the year boundary', () => {
    assert.equal(buildTimeAnswer(Date.UTC(2026, 11, 31, 20, 0, 0), 'Asia/Kolkata').local, '2027-01-01T01:30:00');
    assert.equal(buildTimeAnswer(Date.UTC(2026, 0, 1, 3, 0, 0), 'America/New_York').local, '2025-12-31T22:00:00');
  });

  test('writes local time as YYYY-MM-DDTHH:MM:SS with no zone and midnight as 00', () => {
    const answer = buildTimeAnswer(Date.UTC(2026, 4, 3, 22, 0, 0), 'Europe/Paris');
    assert.equal(answer.local, '2026-05-04T00:00:00');
    for (const timeZone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
      assert.match(buildTimeAnswer(SUMMER, timeZone).local, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    }
  });

  test('drops milliseconds from every field', () => {
    const answer = buildTimeAnswer(WINTER + 999, 'Europe/Paris');
    assert.equal(answer.utc, '2026-01-15T10:30:45Z');
    assert.equal(answer.epoch, 1768473045);
    assert.equal(answer.local, '2026-01-15T11:30:45');
  });

  test('gives epoch seconds consistent with the UTC text', () => {
    const answer = buildTimeAnswer(SUMMER, 'America/New_York');
    assert.equal(Date.parse(answer.utc), answer.epoch * 1000);
    assert.equal(Date.parse(`${answer.local}Z`) - answer.offset * 60_000, answer.epoch * 1000);
  });

  test('handles fixed-offset Etc zones, whose sign is inverted by convention', () => {
    assert.equal(buildTimeAnswer(WINTER, 'Etc/GMT+5').offset, -300);
    assert.equal(buildTimeAnswer(WINTER, 'Etc/GMT-14').offset, 840);
  });
});

describe('isKnownTimeZone', () => {
  test('accepts IANA zone names the runtime knows', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5']) {
      assert.equal(isKnownTimeZone(zone), true, zone);
    }
  });

  test('refuses empty, unknown and malformed names', () => {
    for (const zone of ['', 'Nowhere/Atlantis', 'Europe/Pariss', 'GMT+25', '+02:00 bogus']) {
      assert.equal(isKnownTimeZone(zone), false, zone);
    }
  });
});
