// Gauges read when /metrics is scraped: devices by status and outstanding messages (one aggregate store
// query each, cached), writes waiting to commit, device requests in flight, and the SQLite WAL sizes.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CensusStore } from '../../domain/census-store.js';
import type { Clock } from '../../domain/clock.js';
import { DEVICE_STATUSES, ONLINE_RULE } from '../../domain/device-status.js';
import { createCachedReading } from './cached-reading.js';

/**
 * How long a store count is served again. Each costs up to tens of ms at 100,000 devices, on SQLite on
 * the event loop (sqlite-census-repo.ts, postgres-census-repo.ts): with this, one count per 10 s at most,
 * however many scrapers there are.
 */
export const CENSUS_MAX_AGE_MS = 10_000;

export interface ScrapeSources {
  readonly census: CensusStore;
  readonly clock: Clock;
  /** Writes accepted and not yet committed (what --max-pending-writes is compared with). */
  readonly pendingWriteCount: () => number;
  /** Device requests being handled (what --max-inflight is compared with). */
  readonly inflightDeviceRequests: () => number;
  /** The SQLite WAL files to stat at each scrape; none for PostgreSQL, whose WAL is the database server's. */
  readonly walPaths: readonly string[];
}

export function registerScrapeGauges(registry: Registry, sources: ScrapeSources): void {
  const registers = [registry];
  const countDevices = createCachedReading({ read: () => sources.census.countDevicesByStatus(sources.clock.nowMs()), maxAgeMs: CENSUS_MAX_AGE_MS, nowMs: sources.clock.nowMs });
  const countMessages = createCachedReading({ read: () => sources.census.countOutstandingMessages(sources.clock.nowMs()), maxAgeMs: CENSUS_MAX_AGE_MS, nowMs: sources.clock.nowMs });
  new Counter({
    name: 'opentps_census_read_failures_total',
    help: 'Scrapes that found the store counts (opentps_devices, opentps_messages) unreadable; those gauges are left out of that scrape.',
    registers,
    // Settled with the same (cached) readings the gauges wait for, so that it counts the failure in the same scrape.
    async collect() {
      const readings = await Promise.allSettled([countDevices(), countMessages()]);
      if (readings.some((reading) => reading.status === 'rejected')) this.inc();
    },
  });
  /**
   * `set` gives every series of the gauge a value (its labels are a fixed set). The gauge is emptied when the
   * store cannot answer: an absent series says so; a stale value would not.
   */
  async function fill<T>(gauge: Gauge<string>, read: () => Promise<T>, set: (value: T) => void): Promise<void> {
    let value: T;
    try {
      value = await read();
    } catch {
      gauge.reset();
      return;
    }
    set(value);
  }
  const devices: Gauge<'status'> = new Gauge({
    name: 'opentps_devices',
    help: `Devices by status (offline: silent for ${ONLINE_RULE.intervalMultiple} of its usual heartbeat intervals + ${ONLINE_RULE.backoffSlackMs / 1000} s; never-seen), counted at most every ${CENSUS_MAX_AGE_MS / 1000} s.`,
    labelNames: ['status'] as const,
    registers,
    collect: () => fill(devices, countDevices, (counts) => {
      for (const status of DEVICE_STATUSES) devices.labels(status).set(counts[status]);
    }),
  });
  const messages: Gauge<'state'> = new Gauge({
    name: 'opentps_messages',
    help: `Messages outstanding, by state (queued: waiting for delivery, unexpired; delivered: waiting for the answer), counted at most every ${CENSUS_MAX_AGE_MS / 1000} s.`,
    labelNames: ['state'] as const,
    registers,
    collect: () => fill(messages, countMessages, (counts) => {
      messages.labels('queued').set(counts.queued);
      messages.labels('delivered').set(counts.delivered);
    }),
  });
  new Gauge({
    name: 'opentps_store_pending_writes',
    help: 'Store writes accepted and not yet committed: the write queue depth; past --max-pending-writes devices are answered 503.',
    registers,
    collect() {
      this.set(sources.pendingWriteCount());
    },
  });
  new Gauge({
    name: 'opentps_device_requests_in_flight',
    help: 'Device requests being handled; past --max-inflight devices are answered 503.',
    registers,
    collect() {
      this.set(sources.inflightDeviceRequests());
    },
  });
  if (sources.walPaths.length === 0) return;
  new Gauge({
    name: 'opentps_sqlite_wal_bytes',
    help: 'Size of each SQLite WAL file (kept under --max-wal-mb), by file.',
    labelNames: ['file'] as const,
    registers,
    collect() {
      // One stat per file: a few µs.
      for (const path of sources.walPaths) this.labels(basename(path)).set(statSync(path, { throwIfNoEntry: false })?.size ?? 0);
    },
  });
}
