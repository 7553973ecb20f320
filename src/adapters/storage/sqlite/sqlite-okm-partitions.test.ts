// The embedded store's OKM partitions on disk: a database of the layout before partitions (one `okms`
// table) opens with every OKM kept and answering as before; new OKMs go to compact partitions; the
// partitions are tables a restart finds again; and what a compact OKM costs on disk stays small.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CWM_A, OKE_1, T0, pushRecord } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { DEDUP_WINDOW_MS } from '../../../domain/telemetry-store.js';
import { RECORD_MIGRATIONS, migrateSqlite } from './sqlite-migrations.js';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteStore } from './sqlite-store.js';
import { partitionNameOf } from './sqlite-okm-partitions.js';

const DAY = 86_400_000;
/** The schema version before OKM partitions (the step that adds them is the last one today). */
const BEFORE_PARTITIONS = RECORD_MIGRATIONS.findIndex((step) => step.includes('CREATE TABLE okm_partitions'));

describe('OKM partitions of the SQLite store', () => {
  let dataDir: TempDataDir;
  let store: SqliteStore | null;

  const open = (spanMs?: number, targetPartitionOkms?: number): SqliteStore => openSqliteStore({
    dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000,
    ...(spanMs ? { partitionSpanMs: spanMs } : {}), ...(targetPartitionOkms ? { targetPartitionOkms } : {}),
  });

  beforeEach(() => {
    dataDir = createTempDataDir('opentps-partitions-');
    store = null;
  });

  afterEach(async () => {
    await store?.close();
    dataDir.remove();
  });

  /** A database as the release before partitions left it: its OKMs in `okms`, written as that release wrote them. */
  function writeOldLayout(okms: number): void {
    const db = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    db.pragma('journal_mode = WAL');
    migrateSqlite(db, RECORD_MIGRATIONS.slice(0, BEFORE_PARTITIONS));
    db.prepare('INSERT INTO devices (id, key, created_at, okm_count) VALUES (?, ?, ?, ?)').run(CWM_A, 'key-of-a', T0, okms);
    const insert = db.prepare(
      `INSERT INTO okms (cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
         crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 1; i <= okms; i++) {
      const r = pushRecord(CWM_A, { originId: i % 2 === 0 ? OKE_1 : CWM_A, okmId: i, receivedAtMs: T0 + i * 60_000, payload: { _hbt: { temp: i } } });
      insert.run(r.cwmId, r.originId, r.cmd, r.okmId, r.ts, r.tsEpochMs, 1, r.receivedAtMs, r.crcVerdict, r.crcReceived, r.crcExpected,
        r.auth, r.rawOkm, JSON.stringify(r.payload), JSON.stringify(r.envelope), r.remoteAddress, r.dedupKey);
    }
    db.close();
  }

  test('a database of the old layout opens with every OKM kept, queried as before, and new OKMs go to compact partitions', async () => {
    writeOldLayout(100);
    store = open();
    const partitions = await store.listTelemetryPartitions();
    assert.deepEqual(partitions, [{ name: 'okms_legacy', startMs: T0 + 60_000, endMs: T0 + 100 * 60_000 + 1, approxOkms: 100 }]);
    const all = await store.listOkms({ cwmId: CWM_A, limit: 1000 });
    assert.deepEqual(all.map((okm) => okm.okmId), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(all[41]?.payload, { _hbt: { temp: 42 } });
    assert.equal(all[41]?.originId, OKE_1);
    assert.deepEqual((await store.listOkmsInRange(CWM_A, T0 + 10 * 60_000, T0 + 13 * 60_000, 10)).map((okm) => okm.okmId), [10, 11, 12]);
    const series = await store.querySeries({ originId: OKE_1, field: 'temp', fromMs: T0, toMs: T0 + DAY, bucketMs: 10 * 60_000 });
    assert.deepEqual(series[0], { bucketStartMs: T0, min: 2, max: 8, avg: 5, count: 4 });
    assert.equal((await store.countOkmsPerMinute(T0, T0 + DAY)).length, 100);

    // A re-send of an OKM stored before the upgrade is recognised; a new OKM goes to a compact partition, after every old id.
    const resent = await store.recordPush(pushRecord(CWM_A, { okmId: 99, receivedAtMs: T0 + 101 * 60_000 }));
    assert.deepEqual([resent.isDuplicate, resent.storedOkmId], [true, 99]);
    const fresh = await store.recordPush(pushRecord(CWM_A, { okmId: 101, receivedAtMs: T0 + 102 * 60_000 }));
    assert.deepEqual([fresh.isDuplicate, fresh.storedOkmId], [false, 101]);
    const names = (await store.listTelemetryPartitions()).map((p) => p.name);
    assert.deepEqual(names, [partitionNameOf(Math.floor(T0 / DAY) * DAY), 'okms_legacy'], 'oldest start first: the new day began before the legacy OKMs');
    assert.equal(await store.countOkms(CWM_A), 101);

    // After a restart everything is found again; retention drops the legacy table whole once all of it has expired.
    await store.close();
    store = open();
    assert.equal((await store.listOkms({ cwmId: CWM_A, limit: 1000 })).length, 101);
    assert.deepEqual(await store.dropTelemetryBefore(T0 + 100 * 60_000), { partitions: 0, approxOkms: 0 }, 'its newest OKM is not past the cutoff');
    const dropped = await store.dropTelemetryBefore(T0 + 100 * 60_000 + 1);
    assert.deepEqual(dropped, { partitions: 1, approxOkms: 100 });
    assert.deepEqual((await store.listOkms({ cwmId: CWM_A, limit: 1000 })).map((okm) => okm.okmId), [101]);
  });

  test('an old-layout database with no OKM loses its empty table and starts with compact partitions', async () => {
    writeOldLayout(0);
    store = open();
    assert.deepEqual(await store.listTelemetryPartitions(), []);
    await store.close();
    const db = new Database(join(dataDir.path, SQLITE_FILE_NAME), { readonly: true });
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'okms%'").all();
    db.close();
    assert.deepEqual(tables, []);
    store = open();
  });

  test('how far back a re-send is looked for: a day without _ts, back to its _ts when older, 30 days at most', async () => {
    store = open();
    const noTs = { ts: null, tsEpochMs: null };
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, dedupKey: 'no-ts', receivedAtMs: T0, ...noTs }));
    assert.equal((await store.recordPush(pushRecord(CWM_A, { okmId: 1, dedupKey: 'no-ts', receivedAtMs: T0 + DEDUP_WINDOW_MS - 1, ...noTs }))).isDuplicate, true);
    assert.equal((await store.recordPush(pushRecord(CWM_A, { okmId: 1, dedupKey: 'no-ts', receivedAtMs: T0 + DEDUP_WINDOW_MS + 2 * DAY, ...noTs }))).isDuplicate, false, 'past the day, an OKM without _ts is new');
    const stamped = { tsEpochMs: T0 - 60_000 };
    await store.recordPush(pushRecord(CWM_A, { okmId: 2, dedupKey: 'stamped', receivedAtMs: T0, ...stamped }));
    assert.equal((await store.recordPush(pushRecord(CWM_A, { okmId: 2, dedupKey: 'stamped', receivedAtMs: T0 + 20 * DAY, ...stamped }))).isDuplicate, true, 'replayed 20 days later: its _ts leads back to the first copy');
    assert.equal((await store.recordPush(pushRecord(CWM_A, { okmId: 2, dedupKey: 'stamped', receivedAtMs: T0 + 32 * DAY, ...stamped }))).isDuplicate, false, 'past 30 days it is stored again');
  });

  test('a changed span applies to partitions made from then on, clipped so that none overlap', async () => {
    store = open();
    const dayStart = Math.floor(T0 / DAY) * DAY;
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: dayStart + 3_600_000 }));
    await store.close();
    store = open(6 * 3_600_000);
    await store.recordPush(pushRecord(CWM_A, { okmId: 2, receivedAtMs: dayStart + 2 * 3_600_000 }));
    await store.recordPush(pushRecord(CWM_A, { okmId: 3, receivedAtMs: dayStart + DAY + 7 * 3_600_000 }));
    const spans = (await store.listTelemetryPartitions()).map((p) => [p.startMs - dayStart, p.endMs - dayStart]);
    assert.deepEqual(spans, [[0, DAY], [DAY + 6 * 3_600_000, DAY + 12 * 3_600_000]]);
    assert.deepEqual((await store.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.okmId), [1, 2, 3]);
  });

  test('a partition that held more OKMs than the target makes the next ones span fewer hours, down to one; they grow back when the rate falls', async () => {
    store = open(undefined, 120);
    const dayStart = Math.floor(T0 / DAY) * DAY;
    const HOUR = 3_600_000;
    // 24 OKMs an hour over the first day: 576 in it, 5 hours' worth of the target of 120.
    let okmId = 0;
    for (let atMs = dayStart; atMs < dayStart + DAY; atMs += HOUR / 24) await store.recordPush(pushRecord(CWM_A, { okmId: ++okmId, receivedAtMs: atMs }));
    await store.recordPush(pushRecord(CWM_A, { okmId: ++okmId, receivedAtMs: dayStart + DAY + 1 }));
    const spans = async () => (await store!.listTelemetryPartitions()).map((p) => (p.endMs - p.startMs) / HOUR);
    assert.deepEqual(await spans(), [24, 4], 'whole hours that hold at most the target at that rate');
    // An idle stretch: each new partition spans twice the last, up to the configured day.
    await store.recordPush(pushRecord(CWM_A, { okmId: ++okmId, receivedAtMs: dayStart + 3 * DAY }));
    await store.recordPush(pushRecord(CWM_A, { okmId: ++okmId, receivedAtMs: dayStart + 4 * DAY }));
    const after = await spans();
    assert.equal(after.length, 4);
    assert.ok((after[2] ?? 0) <= 10 && (after[3] ?? 0) <= 20 && (after[3] ?? 0) > (after[2] ?? 0), `spans grow back gradually: ${after.join(', ')}`);
    assert.equal((await store.listOkms({ cwmId: CWM_A, limit: 1000 })).length, okmId, 'every OKM is kept whatever the spans');
  });

  test('a push that fails leaves no partition listed and no reference cached: the next one makes them again', async () => {
    store = open();
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    const db = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    // A trigger that refuses the device's reference makes the whole push fail after its partition was made.
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON device_refs WHEN NEW.device_id = '${CWM_A}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 }))
      .then(() => assert.fail('the push should fail'), (error: unknown) => assert.match(String(error), /ERR_STORE_FAILED|refused/));
    assert.deepEqual(await store.listTelemetryPartitions(), []);
    db.exec('DROP TRIGGER refuse');
    db.close();
    await store.recordPush(pushRecord(CWM_A, { okmId: 2, receivedAtMs: T0 }));
    const [stored] = await store.listOkms({ cwmId: CWM_A, limit: 10 });
    assert.deepEqual([stored?.okmId, stored?.cwmId], [2, CWM_A]);
    assert.equal((await store.listTelemetryPartitions()).length, 1);
  });
});
