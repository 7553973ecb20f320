// Issue 16 "Evaluation cost": the offline sweep with 100,000 CWMs. The engine runs in this process on the real
// store (SQLite by default, PostgreSQL with --db) seeded with the fleet (bulk INSERTs, seeding only), with a
// clock the bench moves in sweep intervals of 5 s over 15 simulated minutes. Every live CWM reports once a
// minute (told to the engine as the device transport tells it: observeRequest, timed apart); 500 CWMs fall
// silent at minute 2 and 5,000 more (a region's outage) at minute 6. Each sweep is timed; its cost follows
// the CWMs whose deadline passed, not the fleet. Baseline, same store and run: the O(fleet) way, one query
// that finds every offline CWM (queryDevices status=offline: the fleet table's own filter).
//
//   node --import tsx bench/offline-sweep.ts [--cwms 100000] [--db postgres://...]

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { SQLITE_FILE_NAME, openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { createAlertEngine } from '../src/domain/alerts/alert-engine.js';
import { createStoreMembershipSource } from '../src/domain/alerts/store-membership-source.js';
import type { Store } from '../src/domain/store.js';
import { environmentHeader, writeResults } from './support/bench-report.js';

const { values } = parseArgs({ options: { cwms: { type: 'string', default: '100000' }, db: { type: 'string' } } });
const cwmCount = Number(values.cwms);
const NOW = 1_800_000_000_000;
const INTERVAL_MS = 60_000;
const SWEEP_MS = 5_000;
const SIM_MS = 15 * 60_000;
const OFFLINE_RULES = 10;

const cwmId = (i: number): string => `0002${i.toString(16).padStart(12, '0')}`;
/** When CWM i last reported before the start: spread over the last minute. */
const phaseMs = (i: number): number => (i * 7919) % INTERVAL_MS;

function seedSql(hex12: (expr: string) => string, series: string): string[] {
  return [
    `INSERT INTO devices (id, key, created_at, last_seen_at, typical_interval_ms)
     SELECT '0002' || ${hex12('i')}, 'bench-key', ${NOW - 86_400_000}, ${NOW} - (i * 7919) % ${INTERVAL_MS}, ${INTERVAL_MS} FROM ${series}`,
  ];
}

async function run(store: Store): Promise<Record<string, unknown>> {
  let nowMs = NOW;
  const clock = { nowMs: () => nowMs };
  for (let i = 0; i < OFFLINE_RULES; i++) {
    await store.addAlertRule({ name: `offline x${3 + i}`, severity: 'major', scope: { kind: 'all' }, condition: { kind: 'offline', intervals: 3 + i }, isEnabled: true, channelIds: [], atMs: NOW });
  }
  const engine = createAlertEngine({
    store,
    membership: createStoreMembershipSource(store, clock),
    clock,
    modelsById: () => new Map(),
    transferStallAfterMs: 600_000,
    onWriteFailed: (error) => {
      throw error;
    },
  });
  const startedAt = performance.now();
  await engine.start();
  const startMs = performance.now() - startedAt;
  const silentAt = new Map<number, number>();
  for (let i = 0; i < 500; i++) silentAt.set(i * 97, NOW + 2 * 60_000);
  for (let i = 0; i < 5000; i++) if (!silentAt.has(50_000 + i)) silentAt.set((50_000 + i) % cwmCount, NOW + 6 * 60_000);
  const sweeps: Array<{ atS: number; ms: number; confirmed: number; offline: number }> = [];
  let requestNs = 0;
  let requests = 0;
  for (let stepMs = SWEEP_MS; stepMs <= SIM_MS; stepMs += SWEEP_MS) {
    const fromMs = NOW + stepMs - SWEEP_MS;
    nowMs = NOW + stepMs;
    // The CWMs reporting in this step (each once a minute, at its phase), unless silent by now.
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < cwmCount; i++) {
      let reportMs = NOW - phaseMs(i) + INTERVAL_MS;
      while (reportMs < fromMs) reportMs += INTERVAL_MS;
      if (reportMs >= nowMs) continue;
      const silent = silentAt.get(i);
      if (silent !== undefined && reportMs >= silent) continue;
      engine.observeRequest(cwmId(i), cwmId(i), 'valid', reportMs);
      requests++;
    }
    requestNs += Number(process.hrtime.bigint() - t0);
    const started = performance.now();
    const report = await engine.sweep();
    sweeps.push({ atS: stepMs / 1000, ms: performance.now() - started, confirmed: report.confirmed, offline: report.offline });
    await engine.settle();
  }
  const open = await store.countOpenAlerts();
  // Baseline: the O(fleet) query, on the same store at the end of the run.
  const baseline: number[] = [];
  for (let run = 0; run < 20; run++) {
    const started = performance.now();
    await store.queryDevices({ search: null, status: 'offline', sort: 'id', order: 'asc', limit: 1000, offset: 0 }, nowMs);
    baseline.push(performance.now() - started);
  }
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
  const pick = (list: number[], fraction: number) => sorted(list)[Math.min(list.length - 1, Math.floor(list.length * fraction))] ?? Number.NaN;
  const times = sweeps.map((sweep) => sweep.ms);
  const busy = sweeps.filter((sweep) => sweep.confirmed > 0);
  const result = {
    cwms: cwmCount,
    offlineRules: OFFLINE_RULES,
    startMs: Math.round(startMs),
    sweeps: sweeps.length,
    sweepP50Ms: pick(times, 0.5),
    sweepP99Ms: pick(times, 0.99),
    sweepMaxMs: Math.max(...times),
    busiestSweep: busy.reduce((worst, sweep) => (sweep.ms > worst.ms ? sweep : worst), { atS: 0, ms: 0, confirmed: 0, offline: 0 }),
    confirmedTotal: sweeps.reduce((sum, sweep) => sum + sweep.confirmed, 0),
    openAlerts: open.firing,
    observeRequestNs: Math.round(requestNs / Math.max(1, requests)),
    baselineOfflineQueryMedianMs: pick(baseline, 0.5),
  };
  return { ...result, sweepMaxOverBaselineMedian: result.sweepMaxMs / result.baselineOfflineQueryMedianMs, timeline: sweeps.filter((sweep) => sweep.confirmed > 0) };
}

async function benchSqlite(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'opentps-offline-bench-'));
  try {
    const options = { dataDir: dir, durability: 'normal', busyTimeoutMs: 5000 } as const;
    await openSqliteStore(options).close();
    const db = new Database(join(dir, SQLITE_FILE_NAME));
    db.transaction(() => {
      for (const statement of seedSql((expr) => `printf('%012x', ${expr})`, `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${cwmCount - 1}) SELECT i FROM n)`)) db.exec(statement);
    })();
    db.close();
    const store = openSqliteStore(options);
    try {
      return await run(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(serverUrl: string): Promise<Record<string, unknown>> {
  const name = `bench_offline_${process.pid}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await (await openPostgresStore({ connectionString: url.toString() })).close();
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    for (const statement of seedSql((expr) => `lpad(to_hex((${expr})::bigint), 12, '0')`, `generate_series(0::bigint, ${cwmCount - 1}) AS g(i)`)) await client.query(statement);
    await client.query('VACUUM ANALYZE');
    await client.end();
    const store = await openPostgresStore({ connectionString: url.toString() });
    try {
      return await run(store);
    } finally {
      await store.close();
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const header = environmentHeader();
const result = values.db ? await benchPostgres(values.db) : await benchSqlite();
console.log(header);
console.log(`backend: ${values.db ? 'PostgreSQL' : 'SQLite'}; ${cwmCount} CWMs reporting every 60 s; ${OFFLINE_RULES} offline rules (3..12 intervals); a sweep every ${SWEEP_MS / 1000} s over ${SIM_MS / 60_000} simulated minutes`);
const { timeline, ...summary } = result;
console.log(JSON.stringify(summary, null, 2));
console.log(`written to ${writeResults(values.db ? 'offline-sweep-postgres' : 'offline-sweep', { header, result })}`);
void timeline;
