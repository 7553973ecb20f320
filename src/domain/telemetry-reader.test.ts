import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, CWM_B, OKE_1, isCode, pushRecord, registerDevice } from '../../test/contract/store-fixtures.js';
import { createTelemetryReader, MAX_OKMS_PER_MINUTE_RANGE_MS, MAX_SERIES_DEVICES, type TelemetryReader } from './telemetry-reader.js';

const MINUTE_MS = 60_000;

describe('telemetry reader', () => {
  let fixture: DomainFixture;
  let telemetry: TelemetryReader;
  let startMs: number;

  beforeEach(async () => {
    fixture = openDomainFixture();
    telemetry = createTelemetryReader({ store: fixture.store, clock: fixture.clock, rollups: { writtenThroughMs: 0 }, minuteRollupRetentionDays: 30 });
    startMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, startMs);
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: startMs, heartbeat: { ti: 40, fw: 'v2' }, payload: { _hbt: { ti: 40, fw: 'v2' } } }));
    await fixture.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 1, receivedAtMs: startMs + MINUTE_MS, heartbeat: { temp: 170, door: 1 }, payload: { _hbt: { temp: 170, door: 1 } } }));
    await fixture.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 2, receivedAtMs: startMs + 2 * MINUTE_MS, heartbeat: { temp: 180 }, payload: { _hbt: { temp: 180 } } }));
    fixture.clock.advanceMs(3 * MINUTE_MS);
  });

  afterEach(async () => {
    await fixture.close();
  });

  test('lists the numeric fields of the CWM and of each OKE, by name', async () => {
    const fields = await telemetry.listNumericFields(CWM_A);
    assert.deepEqual(
      [...fields].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
      [{ deviceId: CWM_A, numericFields: ['ti'] }, { deviceId: OKE_1, numericFields: ['door', 'temp'] }].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
    );
  });

  test('reads an OKE\'s series from raw OKMs for a short range', async () => {
    const series = await telemetry.readDeviceSeries(CWM_A, OKE_1, { field: 'temp', fromMs: startMs, toMs: startMs + 3 * MINUTE_MS, points: 3 });
    assert.equal(series.source, 'raw');
    assert.deepEqual(series.points.map((point) => [point.bucketStartMs - startMs, point.avg]), [[MINUTE_MS, 170], [2 * MINUTE_MS, 180]]);
  });

  test('counts the fleet\'s OKMs per minute, and refuses a range longer than its limit', async () => {
    assert.deepEqual(await telemetry.countOkmsPerMinute(startMs, startMs + 3 * MINUTE_MS), [[startMs, 1], [startMs + MINUTE_MS, 1], [startMs + 2 * MINUTE_MS, 1]]);
    await assert.rejects(telemetry.countOkmsPerMinute(startMs, startMs + MAX_OKMS_PER_MINUTE_RANGE_MS + 1), isCode('ERR_API_INVALID'));
  });

  test('a fleet series names between one and MAX_SERIES_DEVICES devices', async () => {
    const request = { field: 'temp', fromMs: startMs, toMs: startMs + 3 * MINUTE_MS, points: 3 };
    await assert.rejects(telemetry.readFleetSeries([], request), isCode('ERR_API_INVALID'));
    await assert.rejects(telemetry.readFleetSeries(Array.from({ length: MAX_SERIES_DEVICES + 1 }, (_, i) => `dev${i}`), request), isCode('ERR_API_INVALID'));
    // Rollups only: none are written in this test, so the series is empty but answered.
    assert.deepEqual((await telemetry.readFleetSeries([OKE_1], request)).points, []);
  });

  test('exports a CWM\'s raw OKMs in the range, and every read of an unknown CWM is ERR_DEVICE_NOT_FOUND', async () => {
    const okms = await telemetry.exportOkms(CWM_A, startMs, startMs + 2 * MINUTE_MS);
    assert.deepEqual(okms.map((okm) => [okm.originId, okm.receivedAtMs - startMs]), [[CWM_A, 0], [OKE_1, MINUTE_MS]]);
    await assert.rejects(telemetry.exportOkms(CWM_B, startMs, startMs + 1), isCode('ERR_DEVICE_NOT_FOUND'));
    await assert.rejects(telemetry.listNumericFields(CWM_B), isCode('ERR_DEVICE_NOT_FOUND'));
    await assert.rejects(telemetry.readDeviceSeries(CWM_B, CWM_B, { field: 'ti', fromMs: startMs, toMs: startMs + 1, points: 1 }), isCode('ERR_DEVICE_NOT_FOUND'));
  });
});
