import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { parsePrometheusText, sampleValue } from '../../../test/support/prometheus-text.js';
import { createTempDataDir } from '../../../test/support/temp-data-dir.js';
import type { CensusStore } from '../../domain/census-store.js';
import { CENSUS_MAX_AGE_MS, registerScrapeGauges } from './scrape-gauges.js';

function fakeCensus(isFailing: () => boolean): CensusStore & { reads: number } {
  const census = {
    reads: 0,
    async countDevicesByStatus() {
      census.reads++;
      if (isFailing()) throw new Error('store down');
      return { online: 7, offline: 2, 'never-seen': 1 };
    },
    async countOutstandingMessages() {
      if (isFailing()) throw new Error('store down');
      return { queued: 4, delivered: 3 };
    },
  };
  return census;
}

test('a scrape reports the store counts, the write queue, requests in flight and each WAL file size', async () => {
  const dir = createTempDataDir();
  try {
    const walPath = join(dir.path, 'opentps.db-wal');
    writeFileSync(walPath, Buffer.alloc(4096));
    const registry = new Registry();
    registerScrapeGauges(registry, {
      census: fakeCensus(() => false),
      clock: { nowMs: () => 0 },
      pendingWriteCount: () => 12,
      inflightDeviceRequests: () => 3,
      walPaths: [walPath, join(dir.path, 'traffic.db-wal')],
    });
    const samples = parsePrometheusText(await registry.metrics());
    assert.equal(sampleValue(samples, 'opentps_devices', { status: 'online' }), 7);
    assert.equal(sampleValue(samples, 'opentps_devices', { status: 'never-seen' }), 1);
    assert.equal(sampleValue(samples, 'opentps_messages', { state: 'delivered' }), 3);
    assert.equal(sampleValue(samples, 'opentps_store_pending_writes'), 12);
    assert.equal(sampleValue(samples, 'opentps_device_requests_in_flight'), 3);
    assert.equal(sampleValue(samples, 'opentps_sqlite_wal_bytes', { file: 'opentps.db-wal' }), 4096);
    assert.equal(sampleValue(samples, 'opentps_sqlite_wal_bytes', { file: 'traffic.db-wal' }), 0, 'a WAL not made yet is 0 bytes');
  } finally {
    dir.remove();
  }
});

test('scrapes within the cache age read the store once; when the store fails the counts are left out and the failure counted', async () => {
  let nowMs = 0;
  let isFailing = false;
  const census = fakeCensus(() => isFailing);
  const registry = new Registry();
  registerScrapeGauges(registry, { census, clock: { nowMs: () => nowMs }, pendingWriteCount: () => 0, inflightDeviceRequests: () => 0, walPaths: [] });
  await registry.metrics();
  const before = parsePrometheusText(await registry.metrics());
  assert.equal(census.reads, 1);
  assert.equal(sampleValue(before, 'opentps_census_read_failures_total'), 0);
  isFailing = true;
  nowMs += CENSUS_MAX_AGE_MS;
  const samples = parsePrometheusText(await registry.metrics());
  assert.equal(census.reads, 2);
  assert.equal(sampleValue(samples, 'opentps_devices', { status: 'online' }), undefined);
  assert.equal(sampleValue(samples, 'opentps_messages', { state: 'queued' }), undefined);
  assert.equal(sampleValue(samples, 'opentps_census_read_failures_total'), 1);
  assert.equal(sampleValue(samples, 'opentps_store_pending_writes'), 0, 'the other gauges are still there');
  assert.equal(sampleValue(samples, 'opentps_sqlite_wal_bytes'), undefined, 'no WAL gauge without WAL files (PostgreSQL)');
});
