// Scenario: bytes on disk per stored OKM on PostgreSQL. Stores N simulator-like heartbeat OKMs (about
// 2,000 CWMs, one heartbeat a minute each) through the store's recordPush, then VACUUM ANALYZE and sums
// pg_total_relation_size (heap, TOAST and indexes) over the okms table and every partition of it.
//
//   OPENTPS_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/okm-bytes-postgres.ts [--okms 50000]

import pg from 'pg';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import type { PushOutcome, PushRecord } from '../src/domain/telemetry-store.js';
import { createTestDatabase } from '../test/support/postgres-test-database.js';
import { environmentHeader } from './support/bench-report.js';

const DEVICES = 2_000;
const HEARTBEAT_EVERY_MS = 60_000;
/** Pushes in flight at once: enough for the store to fill its group-commit batches. */
const IN_FLIGHT = 1_024;
const START_MS = Date.UTC(2026, 11, 2, 2, 0, 0);

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`--${name} expects a positive integer, got ${process.argv[at + 1]}`);
  return value;
}

function deviceId(index: number): string {
  return `0002${(0x112dacbd0000 + index * 7919).toString(16).padStart(12, '0')}`;
}

/** The i-th heartbeat: device i mod DEVICES, its (i div DEVICES)-th heartbeat, values varying as a simulator's do. */
function heartbeatPush(i: number): PushRecord {
  const device = i % DEVICES;
  const round = Math.floor(i / DEVICES);
  const cwmId = deviceId(device);
  const receivedAtMs = START_MS + round * HEARTBEAT_EVERY_MS + device * (HEARTBEAT_EVERY_MS / DEVICES);
  const ts = new Date(receivedAtMs - 1000).toISOString().slice(0, 19);
  const okmId = (round * 7 + device) % 65_535 + 1;
  const crc = ((i * 40_503) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  const heartbeat = {
    ti: Math.round((30 + ((i * 13) % 100) / 10) * 10) / 10, diag: [0, 0, 0, 0], cfgpend: false, scan: false, port: 'usb', baud: 115_200,
    sidx: round % 20, smax: 19, txp: true, msf: [10_000, 100, 10], rcon: '0003', '5v': 5000 + (i % 60), '12v': 11_900 + (i % 120), if: 'wifi',
  };
  const payload = { _hbt: heartbeat };
  const rawOkm = JSON.stringify({ _src: [cwmId], _cmd: 'wr', _id: okmId, _ts: ts, _crc: crc, _pld: payload });
  return {
    cwmId, originId: cwmId, cmd: 'wr', okmId, ts, tsEpochMs: Date.parse(`${ts}Z`), isTsLocal: true, receivedAtMs,
    crcVerdict: 'valid', crcReceived: crc, crcExpected: crc, auth: 'hmac', rawOkm, payload, envelope: { ts },
    remoteAddress: `198.51.100.${device % 250}`, dedupKey: JSON.stringify([okmId, ts, crc]), heartbeat, answerCandidate: null,
  };
}

const okmCount = argument('okms', 50_000);
const database = await createTestDatabase('opentps_okm_bytes');
try {
  const store = await openPostgresStore({ connectionString: database.url, maxConnections: 8 });
  const startedAt = performance.now();
  try {
    for (let device = 0; device < DEVICES; device++) {
      await store.addDevice({ id: deviceId(device), key: `key-${device}`, name: null, createdAtMs: START_MS });
    }
    let stored = 0;
    for (let from = 0; from < okmCount; from += IN_FLIGHT) {
      const wave: Array<Promise<PushOutcome>> = [];
      for (let i = from; i < Math.min(okmCount, from + IN_FLIGHT); i++) wave.push(store.recordPush(heartbeatPush(i)));
      for (const outcome of await Promise.all(wave)) if (!outcome.isDuplicate) stored++;
    }
    if (stored !== okmCount) throw new Error(`expected ${okmCount} stored OKMs, the store kept ${stored}`);
  } finally {
    await store.close();
  }
  const insertS = (performance.now() - startedAt) / 1000;

  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows: tables } = await admin.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
       WHERE c.oid = 'okms'::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'okms'::regclass)`,
    );
    for (const { name } of tables) await admin.query(`VACUUM ANALYZE "${name}"`);
    const { rows } = await admin.query<{ partitions: string; heap: string; indexes: string; total: string }>(
      `SELECT count(*) FILTER (WHERE c.relkind = 'r') AS partitions, sum(pg_table_size(c.oid)) AS heap,
              sum(pg_indexes_size(c.oid)) AS indexes, sum(pg_total_relation_size(c.oid)) AS total
       FROM pg_class c
       WHERE c.oid = 'okms'::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'okms'::regclass)`,
    );
    const sizes = rows[0];
    if (!sizes) throw new Error('no okms relation found');
    const perOkm = (bytes: string): string => (Number(bytes) / okmCount).toFixed(1);
    const { rows: version } = await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    console.log(environmentHeader());
    console.log(`PostgreSQL ${version[0]?.v ?? '?'}; ${okmCount} heartbeat OKMs from ${DEVICES} CWMs, stored in ${insertS.toFixed(1)} s`);
    console.log('| tables | heap+TOAST B/OKM | indexes B/OKM | total B/OKM | total MB |');
    console.log('|---:|---:|---:|---:|---:|');
    console.log(`| ${sizes.partitions} | ${perOkm(sizes.heap)} | ${perOkm(sizes.indexes)} | ${perOkm(sizes.total)} | ${(Number(sizes.total) / 2 ** 20).toFixed(1)} |`);
    const { rows: indexes } = await admin.query<{ name: string; bytes: string }>(
      `SELECT regexp_replace(i.relname, '^okms_[0-9_]+_', '') AS name, sum(pg_relation_size(i.oid)) AS bytes
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'okms'::regclass OR x.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'okms'::regclass)
       GROUP BY 1 ORDER BY 2 DESC`,
    );
    console.log(`indexes, B/OKM: ${indexes.map((index) => `${index.name} ${perOkm(index.bytes)}`).join(', ')}`);
  } finally {
    await admin.end();
  }
} finally {
  await database.drop();
}
