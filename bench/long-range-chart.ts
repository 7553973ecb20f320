// Scenario: the 30-day chart (issue 12). One CWM heartbeating once a minute for 30 days (43,200 OKMs, in
// 30 day partitions), stored and folded into rollups as a running node does it, in process; then the chart
// of one field over those 30 days (200 points) read from raw OKMs (TelemetryStore.querySeries) and as the
// API reads it (series-reader.ts: hour rollups), and a 1-day chart (minute rollups) likewise. Each query
// runs 7 times; the median and the slowest are printed. Not part of `npm run bench`; run it alone:
//   node --import tsx bench/long-range-chart.ts [--days 30] [--db postgres://...]
// With --db, the same on PostgreSQL (a scratch schema in that database, dropped at the end).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchSchemaName, dropBenchSchema } from './support/bench-schema.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import type { Store } from '../src/domain/store.js';
import { createRollupFolder } from '../src/domain/rollup-folder.js';
import { readDeviceSeries, type SeriesContext } from '../src/domain/series-reader.js';
import { createHeartbeatFleet } from './support/heartbeat-records.js';

const { values } = parseArgs({ options: { days: { type: 'string', default: '30' }, db: { type: 'string' } } });
const days = Number(values.days);
const MINUTE = 60_000;
const DAY = 86_400_000;
const END_MS = Date.UTC(2026, 11, 2);
const START_MS = END_MS - days * DAY;
const RUNS = 7;

const fleet = createHeartbeatFleet(1, 0);
const cwmId = fleet.cwmIds[0] ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'opentps-chart-'));
const schema = benchSchemaName('chart');
let store: Store;
if (values.db) {
  store = await openPostgresStore({ connectionString: values.db, schema });
} else {
  store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 1000 });
}

async function timed<T>(label: string, run: () => Promise<T>, describe: (result: T) => string): Promise<void> {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const startedAt = performance.now();
    last = await run();
    times.push(performance.now() - startedAt);
  }
  times.sort((a, b) => a - b);
  console.log(`  ${label.padEnd(44)} median ${times[Math.floor(RUNS / 2)]?.toFixed(1).padStart(8)} ms   slowest ${times.at(-1)?.toFixed(1).padStart(8)} ms   ${last === undefined ? '' : describe(last)}`);
}

try {
  await store.addDevice({ id: cwmId, key: 'key-of-the-chart-cwm', name: null, createdAtMs: START_MS });
  const folder = createRollupFolder(store, START_MS);
  const loadStartedAt = performance.now();
  for (let day = 0; day < days; day++) {
    const writes: Array<Promise<unknown>> = [];
    for (let minute = 0; minute < 1440; minute++) {
      const atMs = START_MS + day * DAY + minute * MINUTE;
      const record = fleet.heartbeat(0, cwmId, atMs);
      writes.push(store.recordPush(record).then(() => folder.add(record.originId, atMs, record.heartbeat)));
    }
    await Promise.all(writes);
    await folder.flush(START_MS + (day + 1) * DAY);
  }
  await folder.flush(END_MS + 5 * MINUTE);
  console.log(`${values.db ? 'PostgreSQL' : 'SQLite'}: ${(days * 1440).toLocaleString('en')} heartbeats of one CWM over ${days} days stored and folded in ${((performance.now() - loadStartedAt) / 1000).toFixed(1)} s`);
  const context: SeriesContext = { nowMs: END_MS + 5 * MINUTE, minuteRollupRetentionDays: 30, rollupsWrittenThroughMs: folder.writtenThroughMs };
  const points = (series: { points: readonly { count: number }[] }): string => `${series.points.length} points, ${series.points.reduce((n, p) => n + p.count, 0).toLocaleString('en')} samples`;
  const month = { field: 'ti', fromMs: START_MS, toMs: END_MS, points: 200 };
  await timed(`${days}-day chart from raw OKMs`, () => store.querySeries({ originId: cwmId, field: 'ti', fromMs: START_MS, toMs: END_MS, bucketMs: Math.ceil((END_MS - START_MS) / 200) }), (p) => points({ points: p }));
  await timed(`${days}-day chart as the API reads it`, () => readDeviceSeries(store, cwmId, month, context), (s) => `${s.source} rollups, ${points(s)}`);
  const day = { field: 'ti', fromMs: END_MS - DAY, toMs: END_MS, points: 200 };
  await timed('1-day chart from raw OKMs', () => store.querySeries({ originId: cwmId, field: 'ti', fromMs: day.fromMs, toMs: day.toMs, bucketMs: Math.ceil(DAY / 200) }), (p) => points({ points: p }));
  await timed('1-day chart as the API reads it', () => readDeviceSeries(store, cwmId, day, context), (s) => `${s.source} rollups, ${points(s)}`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (values.db) await dropBenchSchema(values.db, schema);
}
