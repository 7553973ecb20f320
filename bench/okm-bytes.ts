// Scenario: bytes on disk per stored OKM in the embedded store (issue 12): the simulator's heartbeats (a
// CWM and its OKEs, one heartbeat each a minute) stored through the store's recordPush, in process, no
// HTTP; then the store is closed (its WAL checkpointed into the file) and SQLite's dbstat counts the pages
// of every table and index that holds OKMs. The first minutes fall on one day, the rest on the next: a
// partition's deflate dictionary is made of the OKMs of the one before it, so the second day is what a
// running node stores (the first partition of a new node gets a generic dictionary and costs more).
// Not part of `npm run bench`; run it alone, in a minute or so:
//   node --import tsx bench/okm-bytes.ts [--cwms 2000] [--okes 2] [--minutes 20] [--src DIR]
// `--src` loads the store from another copy of src/ (e.g. `git archive <commit> src | tar -x -C /tmp/base`,
// then `--src /tmp/base/src`): the figure of another version on the same OKMs.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createHeartbeatFleet } from './support/heartbeat-records.js';

type SqliteStoreModule = typeof import('../src/adapters/storage/sqlite/sqlite-store.js');

const { values } = parseArgs({
  options: {
    cwms: { type: 'string', default: '2000' },
    okes: { type: 'string', default: '2' },
    minutes: { type: 'string', default: '20' },
    src: { type: 'string' },
  },
});
const cwmCount = Number(values.cwms);
const okesPerCwm = Number(values.okes);
const minutes = Number(values.minutes);
const srcDir = resolve(values.src ?? join(import.meta.dirname, '../src'));
const { openSqliteStore } = (await import(pathToFileURL(join(srcDir, 'adapters/storage/sqlite/sqlite-store.ts')).href)) as SqliteStoreModule;

/** Two minutes before midnight UTC: those two minutes are the first day. */
const START_MS = Date.UTC(2026, 11, 2, 0, 0, 0) - 2 * 60_000;
const fleet = createHeartbeatFleet(cwmCount, okesPerCwm);
const cwmIds = fleet.cwmIds;

const dataDir = mkdtempSync(join(tmpdir(), 'opentps-okm-bytes-'));
try {
  const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 1000 });
  for (const [i, id] of cwmIds.entries()) await store.addDevice({ id, key: `key-${i}-of-the-fleet`, name: null, createdAtMs: START_MS });
  let stored = 0;
  let rawBytes = 0;
  const startedAt = performance.now();
  for (let minute = 0; minute < minutes; minute++) {
    const pushes: Array<Promise<unknown>> = [];
    for (const [c, cwmId] of cwmIds.entries()) {
      const atMs = START_MS + minute * 60_000 + Math.floor((c / cwmCount) * 60_000);
      for (const oke of fleet.okes[c] ?? []) {
        const record = fleet.heartbeat(c, oke.id, atMs);
        rawBytes += Buffer.byteLength(record.rawOkm);
        pushes.push(store.recordPush(record));
      }
      const record = fleet.heartbeat(c, cwmId, atMs);
      rawBytes += Buffer.byteLength(record.rawOkm);
      pushes.push(store.recordPush(record));
    }
    await Promise.all(pushes);
    stored += pushes.length;
  }
  const storeSeconds = (performance.now() - startedAt) / 1000;
  await store.close();
  const file = join(dataDir, 'opentps.db');
  const db = new Database(file, { readonly: true });
  const pages = db.prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
  const hasPartitions = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'okm_partitions'").get() !== undefined;
  const partitions = hasPartitions ? db.prepare<[], { name: string }>('SELECT name FROM okm_partitions ORDER BY start_ms').all().map((row) => row.name) : [];
  const perPartition = partitions.map((name) => {
    const { n, body } = db.prepare<[], { n: number; body: number }>(`SELECT count(*) AS n, avg(length(body)) AS body FROM "${name}"`).get() ?? { n: 0, body: 0 };
    const bytes = pages.filter((row) => row.name === name || row.name.startsWith(`${name}_`)).reduce((sum, row) => sum + row.bytes, 0);
    return { name, n, body, bytes };
  });
  db.close();
  // Everything that exists to hold OKMs: the partitions (or the one table before them), their indexes, the catalog and the device references.
  const isOkmStorage = (name: string): boolean => name.startsWith('okms') || name.startsWith('okm_partitions') || name.startsWith('device_refs') || name === 'sqlite_autoindex_okm_partitions_1' || name === 'sqlite_autoindex_device_refs_1';
  const okmPages = pages.filter((row) => isOkmStorage(row.name));
  const okmBytes = okmPages.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`store: ${srcDir}`);
  console.log(`${stored.toLocaleString('en')} heartbeat OKMs (${cwmCount} CWMs x ${1 + okesPerCwm} devices x ${minutes} minutes), raw text ${(rawBytes / stored).toFixed(0)} bytes each on average; stored in ${storeSeconds.toFixed(1)} s (${Math.round(stored / storeSeconds).toLocaleString('en')} OKMs/s, in process)`);
  for (const row of okmPages) console.log(`  ${row.name.padEnd(36)} ${(row.bytes / 2 ** 20).toFixed(2).padStart(8)} MiB  ${(row.bytes / stored).toFixed(1).padStart(7)} B/OKM`);
  for (const p of perPartition) {
    console.log(`  partition ${p.name}: ${p.n.toLocaleString('en')} OKMs, deflated text ${p.body.toFixed(1)} bytes on average, ${(p.bytes / p.n).toFixed(1)} bytes per OKM with its indexes`);
  }
  console.log(`bytes on disk per stored OKM (tables + indexes + catalog + device references, after checkpoint): ${(okmBytes / stored).toFixed(1)}`);
  const steady = perPartition.at(-1);
  if (steady && perPartition.length > 1) console.log(`steady state (the second day's partition, its dictionary made from the first day's OKMs): ${(steady.bytes / steady.n).toFixed(1)} bytes per OKM`);
  console.log(`whole opentps.db per OKM (devices, state and all): ${(statSync(file).size / stored).toFixed(1)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
