import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { START_MS, openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { MINUTE_GRACE_MS, ROLLUP_CHUNK, createRollupFolder } from './rollup-folder.js';
import type { RollupStore } from './rollup-store.js';

const OKE = '036334d0b8df1f05';
const MINUTE = 60_000;
const HOUR = 3_600_000;

let fixture: DomainFixture;
beforeEach(() => {
  fixture = openDomainFixture();
});
afterEach(() => fixture.close());

const series = (resolution: 'minute' | 'hour', originIds = [OKE], field = 'temp') =>
  fixture.store.queryRollupSeries({ originIds, field, fromMs: START_MS - HOUR, toMs: START_MS + 3 * HOUR, resolution });

test('heartbeats fold into minute and hour rows once their minute has ended; booleans count 0/1, text is left out; every OKM counts for the fleet', async () => {
  const folder = createRollupFolder(fixture.store, START_MS);
  folder.add(OKE, START_MS + 1000, { temp: 180, door: true, mode: 'fry' });
  folder.add(OKE, START_MS + 30_000, { temp: 182.5, door: false });
  folder.add(OKE, START_MS + MINUTE + 5, { temp: 170 });
  folder.add(OKE, START_MS + MINUTE + 6, null);
  assert.deepEqual(await folder.flush(START_MS + MINUTE + MINUTE_GRACE_MS - 1), { minuteRows: 0, hourRows: 0 }, 'the first minute is still within its grace');
  assert.equal(folder.writtenThroughMs, START_MS);
  assert.deepEqual(await folder.flush(START_MS + MINUTE + MINUTE_GRACE_MS), { minuteRows: 1, hourRows: 1 });
  assert.equal(folder.writtenThroughMs, START_MS + MINUTE, 'the first minute is written');
  assert.equal(folder.pendingBuckets, 1);
  assert.deepEqual((await series('minute')).map((p) => [p.bucketStartMs, p.stats]), [[START_MS, { min: 180, max: 182.5, sum: 362.5, count: 2 }]]);
  assert.deepEqual((await series('minute', [OKE], 'door')).map((p) => p.stats), [{ min: 0, max: 1, sum: 1, count: 2 }]);
  assert.deepEqual(await series('minute', [OKE], 'mode'), []);
  await folder.flush(START_MS + 10 * MINUTE);
  assert.deepEqual((await series('hour')).map((p) => [p.bucketStartMs, p.stats]), [[START_MS, { min: 170, max: 182.5, sum: 532.5, count: 3 }]], 'the hour gathers both minutes');
  assert.deepEqual(await fixture.store.countFleetOkmsPerMinute(START_MS, START_MS + HOUR), [[START_MS, 2], [START_MS + MINUTE, 2]]);
  assert.equal(folder.pendingBuckets, 0);
});

test('at shutdown every minute is written, the current one too', async () => {
  const folder = createRollupFolder(fixture.store, START_MS);
  folder.add(OKE, START_MS, { temp: 1 });
  await folder.flushAll();
  assert.equal((await series('minute')).length, 1);
});

test('a write that fails puts back only what was not written: after the retry every total is exact, nothing counted twice', async () => {
  let calls = 0;
  let failAt = 4;
  const flaky: Pick<RollupStore, 'mergeRollups'> = {
    async mergeRollups(resolution, deltas, fleet) {
      calls++;
      if (calls === failAt) throw new Error('disk full');
      return fixture.store.mergeRollups(resolution, deltas, fleet);
    },
  };
  const folder = createRollupFolder(flaky, START_MS);
  // More origin devices than one chunk: two chunks, each its hour rows then its minute rows.
  const devices = Array.from({ length: ROLLUP_CHUNK + 10 }, (_, i) => `0363${i.toString(16).padStart(12, '0')}`);
  for (const id of devices) folder.add(id, START_MS + 10, { temp: 2 });
  // Calls: hours of chunk 1, minutes of chunk 1, hours of chunk 2, minutes of chunk 2 (fails).
  await assert.rejects(folder.flush(START_MS + 5 * MINUTE), /disk full/);
  assert.equal(folder.pendingBuckets, 10, 'the minute rows of the second chunk wait again, their hours already written');
  failAt = 0;
  await folder.flush(START_MS + 6 * MINUTE);
  assert.equal(folder.pendingBuckets, 0);
  const hours = await fixture.store.queryRollupSeries({ originIds: devices, field: 'temp', fromMs: START_MS, toMs: START_MS + HOUR, resolution: 'hour' });
  const minutes = await fixture.store.queryRollupSeries({ originIds: devices, field: 'temp', fromMs: START_MS, toMs: START_MS + HOUR, resolution: 'minute' });
  assert.deepEqual(hours.map((p) => [p.devices, p.stats.count, p.stats.sum]), [[devices.length, devices.length, 2 * devices.length]]);
  assert.deepEqual(minutes.map((p) => [p.devices, p.stats.count, p.stats.sum]), [[devices.length, devices.length, 2 * devices.length]]);
  assert.deepEqual(await fixture.store.countFleetOkmsPerMinute(START_MS, START_MS + HOUR), [[START_MS, devices.length]]);
});

test('a write that fails in the hours puts the not-yet-folded buckets back for both', async () => {
  let calls = 0;
  const flaky: Pick<RollupStore, 'mergeRollups'> = {
    async mergeRollups(resolution, deltas, fleet) {
      if (++calls === 1) throw new Error('busy');
      return fixture.store.mergeRollups(resolution, deltas, fleet);
    },
  };
  const folder = createRollupFolder(flaky, START_MS);
  folder.add(OKE, START_MS, { temp: 5 });
  await assert.rejects(folder.flush(START_MS + 5 * MINUTE), /busy/);
  await folder.flush(START_MS + 5 * MINUTE);
  assert.deepEqual((await series('hour')).map((p) => p.stats), [{ min: 5, max: 5, sum: 5, count: 1 }]);
  assert.deepEqual((await series('minute')).map((p) => p.stats), [{ min: 5, max: 5, sum: 5, count: 1 }]);
});
