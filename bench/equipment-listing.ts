// Scenario: the equipment registry page (issue 15) with a large registry: 150,000 equipment records behind
// 30,000 CWMs (each CWM's own record and 4 OKEs of 20 models), 300 sites holding nine CWMs in ten, one record
// in a hundred tagged. Seeded by bulk INSERTs in one transaction (seeding only: the history triggers run as
// they do for pushes), then queryEquipment is timed in process for each filter and sort; median and p95 ms.
// Not part of `npm run bench`; run it alone:
//   node --import tsx bench/equipment-listing.ts [--cwms 30000] [--runs 50] [--db postgres://...]
// With --db, a scratch database on that server, dropped at the end; without, SQLite in a temporary directory.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { EquipmentQuery } from '../src/domain/equipment/equipment-query.js';
import type { Store } from '../src/domain/store.js';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { SQLITE_FILE_NAME, openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { environmentHeader } from './support/bench-report.js';

const { values } = parseArgs({
  options: {
    cwms: { type: 'string', default: '30000' },
    runs: { type: 'string', default: '50' },
    db: { type: 'string' },
    /** PostgreSQL: keep the scratch database (its name is printed), e.g. to EXPLAIN the statements on it. */
    keep: { type: 'boolean', default: false },
  },
});
const cwmCount = Number(values.cwms);
const runs = Number(values.runs);
const OKES_PER_CWM = 4;
const SITES = 300;
const MODELS = 20;
const DAY = 86_400_000;
/** Sightings are spread over the last 10 minutes: with the default interval, about a third are online (210 s). */
const SPREAD_MS = 600_000;
const NOW = 1_800_000_000_000;

/**
 * The seed in one dialect: `hex12(expr)` spells 12 lower-case hex digits, `hex4` four, `series(n)` the rows
 * 0..n-1 as column i. Equipment k = 4 * cwm + j; its model 0100 + k mod 20, its serial k.
 */
interface SeedSpelling {
  hex12(expr: string): string;
  hex4(expr: string): string;
  series(count: number): string;
}

function seedStatements(s: SeedSpelling): string[] {
  const cwmId = (i: string) => `'0002' || ${s.hex12(i)}`;
  const lastSeen = (k: string) => `${NOW} - ((${k}) * 7919) % ${SPREAD_MS}`;
  const firstSeen = (k: string) => `${NOW} - ${DAY} - ((${k}) * 104729) % ${DAY}`;
  return [
    `INSERT INTO sites (name, address, time_zone, created_at) SELECT 'Site ' || i, 'Street ' || i, NULL, ${NOW} FROM ${s.series(SITES)}`,
    `INSERT INTO devices (id, key, created_at, last_seen_at, typical_interval_ms, site_id, site_assignment)
     SELECT ${cwmId('i')}, 'bench-key', ${NOW - DAY}, ${NOW}, 60000,
       CASE WHEN i % 10 = 0 THEN NULL ELSE i % ${SITES} + 1 END, CASE WHEN i % 10 = 0 THEN NULL ELSE 'gateway' END
     FROM ${s.series(cwmCount)}`,
    `INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, latest_fields)
     SELECT ${cwmId('i')}, ${cwmId('i')}, ${firstSeen(`i * ${OKES_PER_CWM + 1}`)}, ${lastSeen(`i * ${OKES_PER_CWM + 1}`)}, '{"ti":40,"rssi":-61}'
     FROM ${s.series(cwmCount)}`,
    `INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, latest_fields)
     SELECT ${s.hex4(`256 + i % ${MODELS}`)} || ${s.hex12('i')}, ${cwmId(`i / ${OKES_PER_CWM}`)}, ${firstSeen('i + 7')}, ${lastSeen('i + 7')}, '{"temp":180,"oil":171.5}'
     FROM ${s.series(cwmCount * OKES_PER_CWM)}`,
    `INSERT INTO tags (kind, tag, target_id) SELECT 'equipment', 'pilot', ${s.hex4(`256 + i % ${MODELS}`)} || ${s.hex12('i')}
     FROM ${s.series(cwmCount * OKES_PER_CWM)} WHERE i % 100 = 3`,
  ];
}

const SQLITE_SEED: SeedSpelling = {
  hex12: (expr) => `printf('%012x', ${expr})`,
  hex4: (expr) => `printf('%04x', ${expr})`,
  series: (count) => `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1}) SELECT i FROM n)`,
};

const POSTGRES_SEED: SeedSpelling = {
  hex12: (expr) => `lpad(to_hex((${expr})::bigint), 12, '0')`,
  hex4: (expr) => `lpad(to_hex((${expr})::int), 4, '0')`,
  series: (count) => `generate_series(0::bigint, ${count - 1}) AS g(i)`,
};


const BASE: EquipmentQuery = { search: null, modelId: null, siteId: null, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: 50, offset: 0 };

const CASES: ReadonlyArray<readonly [string, EquipmentQuery]> = [
  ['first page, by id', BASE],
  ['page 100, by id', { ...BASE, offset: 99 * 50 }],
  ['model 0105', { ...BASE, modelId: '0105' }],
  ['model c000 (CWMs)', { ...BASE, modelId: 'c000' }],
  ['site 17', { ...BASE, siteId: 17 }],
  ['tag pilot', { ...BASE, tag: 'pilot' }],
  ['CWM 0002000000000abc', { ...BASE, cwmId: '0002000000000abc' }],
  ['status online', { ...BASE, status: 'online' }],
  ['status offline, page 10', { ...BASE, status: 'offline', offset: 9 * 50 }],
  ['search "abc1"', { ...BASE, search: 'ABC1' }],
  ['sort model', { ...BASE, sort: 'model' }],
  ['sort model desc', { ...BASE, sort: 'model', order: 'desc' }],
  ['sort lastSeen desc', { ...BASE, sort: 'lastSeen', order: 'desc' }],
  ['sort firstSeen', { ...BASE, sort: 'firstSeen' }],
  ['sort cwm', { ...BASE, sort: 'cwm' }],
  ['site 17, sort lastSeen desc', { ...BASE, siteId: 17, sort: 'lastSeen', order: 'desc' }],
  ['model 0105, online, sort lastSeen desc', { ...BASE, modelId: '0105', status: 'online', sort: 'lastSeen', order: 'desc' }],
];

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function timeCases(store: Store): Promise<void> {
  console.log('| case | total | rows | median ms | p95 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, query] of CASES) {
    const page = await store.queryEquipment(query, NOW);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await store.queryEquipment(query, NOW);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${page.total} | ${page.items.length} | ${percentile(times, 0.5).toFixed(2)} | ${percentile(times, 0.95).toFixed(2)} |`);
  }
  const one = `${'0105'}${(5).toString(16).padStart(12, '0')}`;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await store.findEquipment(one, NOW);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`| findEquipment ${one} | 1 | 1 | ${percentile(times, 0.5).toFixed(2)} | ${percentile(times, 0.95).toFixed(2)} |`);
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opentps-equipment-bench-'));
  try {
    const options = { dataDir: dir, durability: 'normal', busyTimeoutMs: 5000 } as const;
    await openSqliteStore(options).close();
    const db = new Database(join(dir, SQLITE_FILE_NAME));
    const started = performance.now();
    db.transaction(() => {
      for (const statement of seedStatements(SQLITE_SEED)) db.exec(statement);
    })();
    db.close();
    console.log(`SQLite: seeded ${cwmCount} CWMs, ${cwmCount * (OKES_PER_CWM + 1)} records in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const store = openSqliteStore(options);
    try {
      await timeCases(store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(serverUrl: string): Promise<void> {
  const name = `bench_equipment_${process.pid}`;
  const runAdmin = async (sql: string): Promise<void> => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await runAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await (await openPostgresStore({ connectionString: url.toString() })).close();
    const client = new pg.Client({ connectionString: url.toString() });
    // The scratch database is dropped WITH (FORCE) after a failure: that ends this connection too.
    client.on('error', () => undefined);
    await client.connect();
    const started = performance.now();
    await client.query('BEGIN');
    for (const statement of seedStatements(POSTGRES_SEED)) await client.query(statement);
    await client.query('COMMIT');
    // Autovacuum would have set the visibility map of a table this size by now: index-only counts rely on it.
    await client.query('VACUUM ANALYZE');
    await client.end();
    console.log(`PostgreSQL: seeded ${cwmCount} CWMs, ${cwmCount * (OKES_PER_CWM + 1)} records in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const store = await openPostgresStore({ connectionString: url.toString() });
    try {
      await timeCases(store);
    } finally {
      await store.close();
    }
  } finally {
    if (values.keep) console.log(`\nkept: ${url.toString()}`);
    else await runAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

console.log(environmentHeader());
console.log(`queryEquipment, limit 50, ${runs} runs per case after one warm-up\n`);
if (values.db) await benchPostgres(values.db);
else await benchSqlite();
