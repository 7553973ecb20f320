// Scenario: the console's API calls with a large fleet (issue 13: "every console API call < 50 ms of server
// time with 100,000 registered CWMs that have all pushed; a push's p99 unchanged while the fleet and devices
// pages refresh"). Seeds N registered CWMs through the store's own write paths (two heartbeats of each CWM
// and one of an OKE behind it, a tenth of them last heard from hours or days ago, one in a hundred with a CRC
// failure, queued, backlogged, expired and finished messages), then times each console call in process
// (app.inject: all of the server's work, no socket) and reports p50 and max per call. Then pushes at a steady
// rate, first alone, then while the fleet and devices pages refresh once a second, and compares their latency.
// Not part of `npm run bench`; run it alone (about a minute on SQLite at 100,000, several on PostgreSQL):
//   node --import tsx bench/console-api.ts [--devices 100000] [--db postgres://...] [--runs 9] [--src DIR]
// With --db, a scratch database on that server, dropped at the end. `--src` loads the server from another copy
// of src/ (e.g. `git archive main src | tar -x -C /tmp/base`, with node_modules linked beside it): the figures
// of another version on the same fleet.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import type { NewMessage } from '../src/domain/message-store.js';
import type { Store } from '../src/domain/store.js';
import { environmentHeader } from './support/bench-report.js';
import { createHeartbeatFleet } from './support/heartbeat-records.js';
import { createPushSource } from './support/signed-requests.js';

const MINUTE = 60_000;

type MainModule = typeof import('../src/main.js');
type ConfigModule = typeof import('../src/config/load-config.js');

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    db: { type: 'string' },
    runs: { type: 'string', default: '9' },
    src: { type: 'string' },
    'push-rate': { type: 'string', default: '200' },
    'push-seconds': { type: 'string', default: '10' },
  },
});
const deviceCount = Number(values.devices);
const runs = Number(values.runs);
const pushRate = Number(values['push-rate']);
const pushSeconds = Number(values['push-seconds']);
const srcDir = resolve(values.src ?? join(import.meta.dirname, '../src'));
const { openServices, buildApp } = (await import(pathToFileURL(join(srcDir, 'main.ts')).href)) as MainModule;
const { loadConfig } = (await import(pathToFileURL(join(srcDir, 'config/load-config.ts')).href)) as ConfigModule;

const HOUR = 3_600_000;
const DAY = 86_400_000;
/**
 * The server's "now" when the calls are timed: 30 s into a minute. Rollups are written through the start of
 * that minute, so the fleet's OKMs per minute count the last 30 s of heartbeats from the raw OKMs, as a
 * server does on average (it writes each minute's rollups a few seconds after it ends).
 */
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE - 30_000;
const KEY = 'bench-provisioning-key-0001';

async function runSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A scratch database beside the one --db names, dropped at the end. */
async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_console_${process.pid}`;
  await runSql(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => runSql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function inChunks<T>(items: readonly T[], size: number, write: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, k) => write(item, i + k)));
}

function message(cwmId: string, createdAtMs: number, expiresAtMs: number): NewMessage {
  return { cwmId, destination: [cwmId], cmd: 'wr', payload: { cmd: { relay: 1 } }, createdAtMs, expiresAtMs, maxQueued: 100, ts: '2026-12-01T08:00:00Z' };
}

/** When device `i` was last heard from: most within the last minute, one in ten between 1 h and 7 days ago. */
function lastHeardAtMs(i: number): number {
  return i % 10 === 9 ? NOW - HOUR - ((i * 7919) % (7 * DAY)) : NOW - (i % 50) * 1000;
}

async function seed(store: Store, ids: readonly string[]): Promise<void> {
  const fleet = createHeartbeatFleet(ids.length, 1);
  const startedAt = performance.now();
  await inChunks(ids, 1000, (id, i) => store.addDevice({ id, key: KEY, name: i % 2 === 0 ? `Fryer ${i}` : null, createdAtMs: NOW - 30 * DAY }));
  await inChunks(ids, 1000, async (id, i) => {
    const at = lastHeardAtMs(i);
    const oke = fleet.okes[i]?.[0]?.id ?? id;
    await store.recordPush(fleet.heartbeat(i, id, at - MINUTE));
    await store.recordPush(fleet.heartbeat(i, oke, at - 500));
    await store.recordPush(fleet.heartbeat(i, id, at));
    if (i % 100 === 3) await store.recordPush({ ...fleet.heartbeat(i, oke, at - 200), crcVerdict: 'mismatch', crcReceived: '0000' });
  });
  console.log(`  ${ids.length.toLocaleString('en')} CWMs registered and pushed in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  const messagesAt = performance.now();
  await inChunks(ids, 500, async (id, i) => {
    // History: one finished message per CWM, ended some time in the last 7 days.
    const endedAt = NOW - ((i * 104_729) % (7 * DAY));
    const finished = await store.enqueueMessage(message(id, endedAt - MINUTE, endedAt + HOUR));
    await store.cancelMessage(finished.id, endedAt);
    const queued = i % 1000 === 11 ? 12 : i % 50 === 7 ? 2 : 0;
    for (let k = 0; k < queued; k++) await store.enqueueMessage(message(id, NOW - MINUTE, NOW + HOUR));
    if (i % 200 === 13) await store.enqueueMessage(message(id, NOW - 2 * HOUR, NOW - HOUR));
  });
  await store.expireMessages(NOW);
  console.log(`  messages queued, expired and finished in ${((performance.now() - messagesAt) / 1000).toFixed(1)} s`);
}

/** The store may write device activity behind its answers: waits until the last CWM shows as seen. */
async function waitUntilSeen(store: Store, id: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await store.findDevice(id))?.lastSeenAtMs != null) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${id} never showed as seen`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const dataDir = mkdtempSync(join(tmpdir(), 'opentps-console-'));
const scratch = values.db ? await createScratchDatabase(values.db) : null;
const config = loadConfig({ data: dataDir, ...(scratch ? { db: scratch.url } : {}) }, {});
// The server's clock reads NOW at the start and again once seeding is done (minutes on PostgreSQL), so the
// seeded statuses hold; its rollups start at NOW's minute.
let clockLagMs = Date.now() - NOW;
const services = await openServices(config, { clock: { nowMs: () => Date.now() - clockLagMs }, user: 'server' });
const app = buildApp(services, pino({ level: 'silent' }), null).app;
try {
  await app.ready();
  console.log(`console API, ${scratch ? 'PostgreSQL' : 'SQLite'}, ${deviceCount.toLocaleString('en')} CWMs; server from ${srcDir}`);
  console.log(environmentHeader());
  const ids = createHeartbeatFleet(deviceCount, 0).cwmIds;
  await seed(services.store, ids);
  await waitUntilSeen(services.store, ids.at(-1) ?? '');
  // What autovacuum does to tables after this many changes: the planner's statistics, the visibility map.
  if (scratch) await runSql(scratch.url, 'VACUUM ANALYZE');
  clockLagMs = Date.now() - NOW;
  await services.auth.addOperator('bench', 'bench-password-0001');
  const headers = { authorization: `Bearer ${await services.auth.createApiToken('bench', 'console bench')}` };

  const calls: Array<[string, string]> = [
    ['fleet', '/api/v1/fleet'],
    ['devices, by id', '/api/v1/devices?limit=50'],
    ['devices, by id desc, page 1,001', '/api/v1/devices?limit=50&order=desc&offset=50000'],
    ['devices, by name', '/api/v1/devices?limit=50&sort=name'],
    ['devices, by name desc', '/api/v1/devices?limit=50&sort=name&order=desc'],
    ['devices, by last seen desc', '/api/v1/devices?limit=50&sort=lastSeen&order=desc'],
    ['devices, by queued desc', '/api/v1/devices?limit=50&sort=queued&order=desc'],
    ['devices, by queued asc', '/api/v1/devices?limit=50&sort=queued'],
    ['devices, by CRC failures desc', '/api/v1/devices?limit=50&sort=crcFailures&order=desc'],
    ['devices, online', '/api/v1/devices?limit=50&status=online'],
    ['devices, offline by last seen', '/api/v1/devices?limit=50&status=offline&sort=lastSeen'],
    ['devices, never seen', '/api/v1/devices?limit=50&status=never-seen'],
    ['devices, search "fryer 12"', '/api/v1/devices?limit=50&search=fryer%2012'],
    ['devices, search by id, offline, by queued', `/api/v1/devices?limit=50&search=${ids[9]?.slice(8, 13) ?? ''}&status=offline&sort=queued&order=desc`],
    ['device page', `/api/v1/devices/${ids[11] ?? ''}`],
  ];
  console.log('| call | result | p50 ms | max ms |');
  console.log('|---|---|---:|---:|');
  for (const [label, url] of calls) {
    const times: number[] = [];
    let summary = '';
    for (let run = 0; run <= runs; run++) {
      const startedAt = performance.now();
      const response = await app.inject({ method: 'GET', url, headers });
      const elapsedMs = performance.now() - startedAt;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      if (run === 0) {
        const body = response.json() as { total?: number; items?: unknown[]; counts?: Record<string, number>; problems?: unknown[] };
        summary = body.counts ? `${JSON.stringify(body.counts)}, ${body.problems?.length ?? 0} problems listed`
          : body.items ? `${body.items.length} of ${body.total ?? '?'}` : `${response.body.length} bytes`;
        continue; // the first run warms the statement caches
      }
      times.push(elapsedMs);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${label} | ${summary} | ${percentile(times, 0.5).toFixed(1)} | ${(times.at(-1) ?? 0).toFixed(1)} |`);
  }

  // The part of the fleet call that reads OKMs, not devices: the 30 s since the rollups, counted raw.
  const tail: number[] = [];
  let tailOkms = 0;
  for (let run = 0; run < runs; run++) {
    const startedAt = performance.now();
    const minutes = await services.store.countOkmsPerMinute(Math.floor(NOW / MINUTE) * MINUTE, services.clock.nowMs() + 1);
    tail.push(performance.now() - startedAt);
    tailOkms = minutes.reduce((sum, [, n]) => sum + n, 0);
  }
  tail.sort((a, b) => a - b);
  console.log(`| (of fleet: OKMs per minute since the rollups, counted raw) | ${tailOkms.toLocaleString('en')} OKMs | ${percentile(tail, 0.5).toFixed(1)} | ${(tail.at(-1) ?? 0).toFixed(1)} |`);

  // Pushes at a steady rate, alone and then while the console's two busiest pages refresh once a second each.
  const keys = new Map(ids.slice(0, 5000).map((id) => [id, KEY]));
  const nextPush = createPushSource(keys, pushRate * pushSeconds * 2);
  const pushPhase = async (withConsole: boolean): Promise<string> => {
    const latencies: number[] = [];
    let failed = 0;
    let refreshing = withConsole;
    const consoleLoop = (async () => {
      while (refreshing) {
        await app.inject({ method: 'GET', url: '/api/v1/fleet', headers });
        await app.inject({ method: 'GET', url: '/api/v1/devices?limit=50&sort=lastSeen&order=desc', headers });
        await new Promise((done) => setTimeout(done, 1000));
      }
    })();
    const inflight: Array<Promise<void>> = [];
    const startedAt = performance.now();
    for (let n = 0; n < pushRate * pushSeconds; n++) {
      const due = startedAt + (n * 1000) / pushRate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      const { path } = nextPush();
      const sentAt = performance.now();
      inflight.push(app.inject({ method: 'POST', url: path }).then((response) => {
        latencies.push(performance.now() - sentAt);
        if (response.statusCode !== 200) failed++;
      }));
    }
    await Promise.all(inflight);
    refreshing = false;
    await consoleLoop;
    latencies.sort((a, b) => a - b);
    return `| pushes ${withConsole ? 'while fleet and devices refresh every second' : 'alone'} | ${latencies.length} (${failed} failed) | ` +
      `${percentile(latencies, 0.5).toFixed(1)} | ${percentile(latencies, 0.99).toFixed(1)} | ${(latencies.at(-1) ?? 0).toFixed(1)} |`;
  };
  await pushPhase(false); // warms the push path (statements, partitions) and is not reported
  console.log(`\n${pushRate} pushes/s for ${pushSeconds} s, in process:`);
  console.log('| phase | pushes | p50 ms | p99 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(await pushPhase(false));
  console.log(await pushPhase(true));
} finally {
  await app.close();
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
  await scratch?.drop();
}
