import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deviceClockReadingMs, zoneOffsetMs } from './device-clock-reading.js';

describe('deviceClockReadingMs', () => {
  test('reads a zone-less ts in the device zone', () => {
    assert.equal(deviceClockReadingMs('2026-07-01T14:00:00', 'Europe/Paris', Date.UTC(2026, 6, 1, 12)), Date.UTC(2026, 6, 1, 12));
    assert.equal(deviceClockReadingMs('2026-07-01T12:00:00', 'UTC', Date.UTC(2026, 6, 1, 12)), Date.UTC(2026, 6, 1, 12));
    assert.equal(deviceClockReadingMs('2026-01-15T07:00:00', 'America/New_York', Date.UTC(2026, 0, 15, 12)), Date.UTC(2026, 0, 15, 12));
  });

  test('takes a zoned ts as it says', () => {
    assert.equal(deviceClockReadingMs('2026-07-01T12:00:00Z', 'Asia/Tokyo', 0), Date.UTC(2026, 6, 1, 12));
    assert.equal(deviceClockReadingMs('2026-07-01T14:00:00+02:00', 'UTC', 0), Date.UTC(2026, 6, 1, 12));
  });

  test('reads the repeated hour of a summer-time end as the instant nearest the server clock', () => {
    // Paris, 2026-10-25: 02:30 local is 00:30Z (CEST) and again 01:30Z (CET).
    assert.equal(deviceClockReadingMs('2026-10-25T02:30:00', 'Europe/Paris', Date.UTC(2026, 9, 25, 0, 31)), Date.UTC(2026, 9, 25, 0, 30));
    assert.equal(deviceClockReadingMs('2026-10-25T02:30:00', 'Europe/Paris', Date.UTC(2026, 9, 25, 1, 31)), Date.UTC(2026, 9, 25, 1, 30));
  });

  test('is null for a ts that is no ISO-8601 date-time', () => {
    assert.equal(deviceClockReadingMs('yesterday', 'UTC', 0), null);
    assert.equal(deviceClockReadingMs('2026-02-30T00:00:00', 'UTC', 0), null);
  });

  test('zoneOffsetMs gives the offset in force at an instant', () => {
    assert.equal(zoneOffsetMs(Date.UTC(2026, 6, 1), 'Europe/Paris'), 2 * 3_600_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 1), 'Europe/Paris'), 3_600_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 1), 'Asia/Kolkata'), 5.5 * 3_600_000);
  });
});
