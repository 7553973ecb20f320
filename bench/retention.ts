// Scenario: retention while pushes go on (issue 12). The store gets 120 days of OKM partitions (back-dated
// heartbeats from 2,000 CWMs); then a closed loop of pushes (32 in flight, each a new heartbeat received
// "now") runs, and after a few seconds the 30 oldest days are dropped (TelemetryStore.dropTelemetryBefore,
// what the hourly retention pass calls). Printed: how long the drop took, what it removed, and push
// latency before and during it. In process, no HTTP. Not part of `npm run bench`; run it alone:
//   node --import tsx bench/retention.ts [--per-day 5000] [--db postgres://...]

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { benchSchemaName, dropBenchSchema } from './support/bench-schema.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import type { Store } from '../src/domain/store.js';
import { createHeartbeatFleet } from './support/heartbeat-records.js';
import { percentile } from './support/load-client.js';

const { values } = parseArgs({ options: { 'per-day': { type: 'string', default: '5000' }, db: { type: 'string' } } });
const perDay = Number(values['per-day']);
const DAYS = 120;
const DROP_DAYS = 30;
const CWMS = 2000;
const IN_FLIGHT = 32;
const WINDOW_MS = 3000;
const DAY = 86_400_000;
const NOW_MS = Date.UTC(2026, 11, 2);
const FIRST_DAY_MS = NOW_MS - DAYS * DAY;

const fleet = createHeartbeatFleet(CWMS, 0);
const dataDir = mkdtempSync(join(tmpdir(), 'opentps-retention-'));
const schema = benchSchemaName('retention');
const store: Store = values.db
  ? await openPostgresStore({ connectionString: values.db, schema })
  : openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 1000 });

function sqliteFileReport(): string {
  if (values.db) return '';
  const file = join(dataDir, 'opentps.db');
  const db = new Database(file, { readonly: true });
  const free = Number(db.pragma('freelist_count', { simple: true }));
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  db.close();
  return `opentps.db ${(statSync(file).size / 2 ** 20).toFixed(0)} MB, of which free pages ${(free * pageSize / 2 ** 20).toFixed(0)} MB`;
}

try {
  for (const [i, id] of fleet.cwmIds.entries()) await store.addDevice({ id, key: `key-${i}-of-the-fleet`, name: null, createdAtMs: FIRST_DAY_MS });
  const loadStartedAt = performance.now();
  for (let day = 0; day < DAYS; day++) {
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < perDay; i++) {
      const c = i % CWMS;
      writes.push(store.recordPush(fleet.heartbeat(c, fleet.cwmIds[c] ?? '', FIRST_DAY_MS + day * DAY + Math.floor((i / perDay) * DAY))));
    }
    await Promise.all(writes);
  }
  const partitions = await store.listTelemetryPartitions();
  console.log(`${values.db ? 'PostgreSQL' : 'SQLite'}: ${(DAYS * perDay).toLocaleString('en')} OKMs in ${partitions.length} partitions written in ${((performance.now() - loadStartedAt) / 1000).toFixed(0)} s. ${sqliteFileReport()}`);

  // The closed loop: each of IN_FLIGHT workers pushes, waits for the acknowledgement, pushes again.
  const samples: Array<{ atMs: number; latencyMs: number }> = [];
  let isRunning = true;
  let n = 0;
  const startedAt = performance.now();
  const worker = async (): Promise<void> => {
    while (isRunning) {
      const c = n++ % CWMS;
      const sentAt = performance.now();
      await store.recordPush(fleet.heartbeat(c, fleet.cwmIds[c] ?? '', NOW_MS + Math.floor(sentAt - startedAt)));
      samples.push({ atMs: sentAt - startedAt, latencyMs: performance.now() - sentAt });
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const dropStartMs = performance.now() - startedAt;
  const report = await store.dropTelemetryBefore(FIRST_DAY_MS + DROP_DAYS * DAY);
  const dropEndMs = performance.now() - startedAt;
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  isRunning = false;
  await Promise.all(workers);

  const describe = (label: string, from: number, to: number): void => {
    const latencies = Float64Array.from(samples.filter((s) => s.atMs >= from && s.atMs < to).map((s) => s.latencyMs)).sort();
    const seconds = (to - from) / 1000;
    console.log(`  ${label.padEnd(28)} ${String(latencies.length).padStart(7)} pushes (${Math.round(latencies.length / seconds).toLocaleString('en').padStart(6)}/s)  p50 ${percentile(latencies, 0.5).toFixed(1).padStart(6)} ms  p99 ${percentile(latencies, 0.99).toFixed(1).padStart(6)} ms  worst ${(latencies.at(-1) ?? 0).toFixed(1).padStart(6)} ms`);
  };
  console.log(`dropped ${report.partitions} partitions (about ${report.approxOkms.toLocaleString('en')} OKMs) in ${(dropEndMs - dropStartMs).toFixed(0)} ms while pushes went on. ${sqliteFileReport()}`);
  describe('before the drop', 0, dropStartMs);
  describe('during the drop', dropStartMs, dropEndMs);
  describe('after the drop', dropEndMs, dropEndMs + WINDOW_MS);
  console.log(`partitions left: ${(await store.listTelemetryPartitions()).length}`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (values.db) await dropBenchSchema(values.db, schema);
}
