import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { START_MS, openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { createRollupFolder } from './rollup-folder.js';
import { RAW_RANGE_MAX_MS, readDeviceSeries, readFleetOkmsPerMinute, readFleetSeries, type SeriesContext } from './series-reader.js';

const CWM = '0002010203040506';
const OKE_1 = '036334d0b8df1f05';
const OKE_2 = '036334d0b8df1f06';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

let fixture: DomainFixture;
let okmId = 0;
beforeEach(() => {
  fixture = openDomainFixture();
  okmId = 0;
});
afterEach(() => fixture.close());

/** A heartbeat stored and folded as push ingest does it. */
async function heartbeat(folder: ReturnType<typeof createRollupFolder>, originId: string, atMs: number, temp: number): Promise<void> {
  const hbt = { temp };
  const id = ++okmId;
  await fixture.store.recordPush({
    cwmId: CWM, originId, cmd: 'wr', okmId: id, ts: null, tsEpochMs: null, isTsLocal: false, receivedAtMs: atMs, crcVerdict: 'missing',
    crcReceived: null, crcExpected: null, auth: 'hmac', rawOkm: JSON.stringify({ _src: [originId, CWM], _id: id, _pld: { _hbt: hbt } }),
    payload: { _hbt: hbt }, envelope: {}, remoteAddress: null, dedupKey: String(id), heartbeat: hbt, answerCandidate: null,
  });
  folder.add(originId, atMs, hbt);
}

const context = (folder: { writtenThroughMs: number }, nowMs: number, minuteDays = 30): SeriesContext =>
  ({ nowMs, minuteRollupRetentionDays: minuteDays, rollupsWrittenThroughMs: folder.writtenThroughMs });

test('a short range reads raw OKMs; a day reads minute rollups; a month reads hour rollups; all give the same totals', async () => {
  const startMs = START_MS - 30 * DAY;
  const folder = createRollupFolder(fixture.store, startMs);
  // One heartbeat every 10 minutes for 30 days: 4,320 OKMs, temp = minute of the day / 10.
  for (let atMs = startMs; atMs < START_MS; atMs += 10 * MINUTE) await heartbeat(folder, OKE_1, atMs, ((atMs - startMs) % DAY) / (10 * MINUTE));
  await folder.flush(START_MS + 5 * MINUTE);
  const nowMs = START_MS + 5 * MINUTE;

  const short = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: START_MS - RAW_RANGE_MAX_MS, toMs: START_MS, points: 6 }, context(folder, nowMs));
  assert.equal(short.source, 'raw');
  assert.equal(short.points.reduce((n, p) => n + p.count, 0), 36);

  const day = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: START_MS - DAY, toMs: START_MS, points: 48 }, context(folder, nowMs));
  assert.equal(day.source, 'minute', 'half-hour buckets need minute rows');
  assert.equal(day.bucketMs, 30 * MINUTE);
  assert.equal(day.points.length, 48);
  assert.deepEqual(day.points[0], { bucketStartMs: START_MS - DAY, min: 0, max: 2, avg: 1, count: 3 });
  const dayByHours = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: START_MS - DAY, toMs: START_MS, points: 24 }, context(folder, nowMs));
  assert.equal(dayByHours.source, 'hour', 'hour buckets read hour rows');
  assert.deepEqual(dayByHours.points[0], { bucketStartMs: START_MS - DAY, min: 0, max: 5, avg: 2.5, count: 6 });

  const month = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: startMs, toMs: START_MS, points: 30 }, context(folder, nowMs));
  assert.equal(month.source, 'hour');
  assert.equal(month.bucketMs, DAY);
  assert.equal(month.points.length, 30);
  assert.ok(month.points.every((p) => p.count === 144 && p.min === 0 && p.max === 143 && p.avg === 71.5));

  // Beyond the minute rollups' retention, a short bucket still reads hours.
  const old = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: startMs, toMs: startMs + DAY, points: 24 }, context(folder, nowMs, 7));
  assert.equal(old.source, 'hour');
  assert.equal(old.points.reduce((n, p) => n + p.count, 0), 144);
});

test('the minutes not in rollups yet come from raw OKMs, each counted once', async () => {
  const folder = createRollupFolder(fixture.store, START_MS - DAY);
  for (let i = 0; i < 20; i++) await heartbeat(folder, OKE_1, START_MS - 20 * MINUTE + i * MINUTE, i);
  await folder.flush(START_MS - 5 * MINUTE);
  assert.equal(folder.writtenThroughMs, START_MS - 6 * MINUTE, 'the minutes before the one that began 6 minutes ago are written');
  const series = await readDeviceSeries(fixture.store, OKE_1, { field: 'temp', fromMs: START_MS - DAY, toMs: START_MS, points: 1 }, context(folder, START_MS));
  assert.equal(series.source, 'hour');
  assert.deepEqual(series.points.map((p) => [p.count, p.min, p.max]), [[20, 0, 19]]);
});

test('a fleet series merges devices per bucket: mean of all samples, sum of device means, devices reporting', async () => {
  const folder = createRollupFolder(fixture.store, START_MS - DAY);
  for (let i = 0; i < 60; i++) {
    await heartbeat(folder, OKE_1, START_MS - DAY + i * MINUTE, 10);
    if (i % 2 === 0) await heartbeat(folder, OKE_2, START_MS - DAY + i * MINUTE, 30);
  }
  await folder.flush(START_MS);
  const series = await readFleetSeries(fixture.store, [OKE_1, OKE_2, OKE_1], { field: 'temp', fromMs: START_MS - DAY, toMs: START_MS, points: 48 }, context(folder, START_MS));
  assert.equal(series.source, 'minute');
  assert.equal(series.points.length, 2);
  const [point] = series.points;
  assert.equal(point?.count, 45);
  assert.equal(point?.avg, (30 * 10 + 15 * 30) / 45);
  assert.equal(point?.devices, 2, 'a device named twice counts once');
  assert.equal(point?.sumOfMeans, 40, "each device's mean over the half hour (10 and 30), added up, though one reported every other minute");
  const hourly = await readFleetSeries(fixture.store, [OKE_1, OKE_2], { field: 'temp', fromMs: START_MS - DAY, toMs: START_MS, points: 24 }, context(folder, START_MS));
  assert.equal(hourly.source, 'hour');
  assert.deepEqual(hourly.points.map((p) => [p.count, p.devices, p.sumOfMeans]), [[90, 2, 40]]);
  const counts = await readFleetOkmsPerMinute(fixture.store, START_MS - DAY, START_MS - DAY + 3 * MINUTE, folder.writtenThroughMs);
  assert.deepEqual(counts, [[START_MS - DAY, 2], [START_MS - DAY + MINUTE, 1], [START_MS - DAY + 2 * MINUTE, 2]]);
});
