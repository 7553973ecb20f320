// The migration of stored OKMs into time partitions, on a database of the layout before it: OKMs stored
// the old way are all found after, every query answers as before, re-sends of them are still recognised,
// and new OKMs go into new partitions beside the old table, with higher ids.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { CWM_A, CWM_B, OKE_1, T0, pushRecord, registerDevice } from '../../../../test/contract/store-fixtures.js';
import { createTestDatabase, postgresSkipReason } from '../../../../test/support/postgres-test-database.js';
import type { PushRecord } from '../../../domain/telemetry-store.js';
import { POSTGRES_MIGRATIONS, migratePostgres } from './postgres-migrations.js';
import { openPostgresStore } from './postgres-store.js';

/** The step that partitions okms (0-based); the steps before it make the old layout. */
const PARTITIONING_STEP = 8;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The insert of the store before partitions, every column filled as it filled them. */
const OLD_INSERT = `
  INSERT INTO okms (cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
    crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
  RETURNING id`;

async function insertTheOldWay(client: pg.Client, record: PushRecord): Promise<number> {
  const { rows } = await client.query<{ id: string }>(OLD_INSERT, [
    record.cwmId, record.originId, record.cmd, record.okmId, record.ts, record.tsEpochMs, record.isTsLocal,
    record.receivedAtMs, record.crcVerdict, record.crcReceived, record.crcExpected, record.auth, record.rawOkm,
    record.payload === null ? null : JSON.stringify(record.payload), JSON.stringify(record.envelope), record.remoteAddress, record.dedupKey,
  ]);
  return Number(rows[0]?.id);
}

const skipReason = await postgresSkipReason();

test('a database of the old layout is migrated: every OKM and every query answer kept, re-sends recognised, new OKMs beside them', { skip: skipReason }, async () => {
  const database = await createTestDatabase('opentps_okms_migration');
  after(() => database.drop());
  const schema = 'old_layout';
  const heartbeat = (okmId: number, atMs: number, temp: number): PushRecord =>
    pushRecord(CWM_A, { originId: OKE_1, okmId, receivedAtMs: atMs, payload: { _hbt: { temp } }, heartbeat: { temp } });
  const old = [
    heartbeat(1, T0, 10),
    heartbeat(2, T0 + 30 * MINUTE_MS, 20),
    pushRecord(CWM_B, { okmId: 3, receivedAtMs: T0 + 40 * MINUTE_MS, crcVerdict: 'mismatch', auth: 'unsigned' }),
    pushRecord(CWM_A, { okmId: null, dedupKey: null, receivedAtMs: T0 + 50 * MINUTE_MS, payload: { note: 'no id' } }),
    heartbeat(5, T0 + DAY_MS + 5 * MINUTE_MS, 30),
  ];

  const client = new pg.Client({ connectionString: database.url, options: `-c search_path=${schema}` });
  await client.connect();
  const oldIds: number[] = [];
  try {
    await migratePostgres(client, schema, POSTGRES_MIGRATIONS.slice(0, PARTITIONING_STEP));
    for (const record of old) oldIds.push(await insertTheOldWay(client, record));
  } finally {
    await client.end();
  }

  const store = await openPostgresStore({ connectionString: database.url, schema, maxConnections: 4 });
  try {
    await registerDevice(store, CWM_A);
    await registerDevice(store, CWM_B);
    const all = await store.listOkms({ limit: 10 });
    assert.deepEqual(all.map((okm) => okm.id), oldIds, 'every OKM, in id order');
    for (const [i, okm] of all.entries()) {
      const record = old[i];
      assert.ok(record);
      assert.deepEqual(
        [okm.cwmId, okm.originId, okm.cmd, okm.okmId, okm.ts, okm.receivedAtMs, okm.crcVerdict, okm.auth, okm.rawOkm, okm.payload],
        [record.cwmId, record.originId, record.cmd, record.okmId, record.ts, record.receivedAtMs, record.crcVerdict, record.auth, record.rawOkm, record.payload],
      );
    }
    assert.deepEqual((await store.listOkms({ cwmId: CWM_A, limit: 2 })).map((okm) => okm.id), [oldIds[3], oldIds[4]]);
    assert.deepEqual((await store.listOkms({ originId: OKE_1, limit: 10 })).map((okm) => okm.okmId), [1, 2, 5]);
    assert.deepEqual((await store.listOkmsInRange(CWM_A, T0 + 1, T0 + 2 * DAY_MS, 10)).map((okm) => okm.okmId), [2, null, 5]);
    assert.equal(await store.countOkms(CWM_A), 4);
    assert.equal(await store.countOkms(CWM_B), 1);
    const series = await store.querySeries({ originId: OKE_1, field: 'temp', fromMs: T0, toMs: T0 + 2 * DAY_MS, bucketMs: DAY_MS });
    assert.deepEqual(series.map((p) => [p.bucketStartMs, p.count, p.min, p.max, p.avg]), [[T0, 2, 10, 20, 15], [T0 + DAY_MS, 1, 30, 30, 30]]);
    assert.deepEqual(await store.countOkmsPerMinute(T0, T0 + 2 * DAY_MS), old.map((r) => [r.receivedAtMs, 1]));

    const [legacy] = await store.listTelemetryPartitions();
    assert.deepEqual(legacy && [legacy.name, legacy.startMs, legacy.endMs], ['okms_legacy', T0, T0 + DAY_MS + 5 * MINUTE_MS + 1], 'the old table, a partition of the range it held');

    // A re-send of an OKM stored before the migration, received in a new partition, is recognised.
    const again = await store.recordPush({ ...heartbeat(5, T0 + DAY_MS + 6 * MINUTE_MS, 30) });
    assert.deepEqual([again.isDuplicate, again.storedOkmId], [true, oldIds[4]]);
    // New OKMs: in new partitions (the first clipped to start where the old table's range ends), higher ids.
    const later = await store.recordPush(heartbeat(6, T0 + DAY_MS + 60 * MINUTE_MS, 40));
    const dayAfter = await store.recordPush(heartbeat(7, T0 + 2 * DAY_MS, 50));
    assert.ok(later.storedOkmId > Math.max(...oldIds) && dayAfter.storedOkmId > later.storedOkmId, 'ids go on increasing');
    const partitions = await store.listTelemetryPartitions();
    assert.deepEqual(partitions.map((p) => p.startMs), [T0, T0 + DAY_MS + 5 * MINUTE_MS + 1, Math.floor((T0 + 2 * DAY_MS) / DAY_MS) * DAY_MS]);
    assert.deepEqual((await store.listOkms({ originId: OKE_1, limit: 10 })).map((okm) => okm.okmId), [1, 2, 5, 6, 7]);

    // Retention drops the old table whole once its range has passed.
    const report = await store.dropTelemetryBefore(T0 + DAY_MS + 5 * MINUTE_MS + 1);
    assert.equal(report.partitions, 1);
    assert.ok(report.approxOkms >= 0 && report.approxOkms <= old.length, `an estimate of the ${old.length} OKMs, got ${report.approxOkms}`);
    assert.deepEqual((await store.listOkms({ limit: 10 })).map((okm) => okm.okmId), [6, 7]);
  } finally {
    await store.close();
  }
});
