// Device rows and states written behind the pushes (domain/device-activity.ts) in the embedded store: what
// another process sees and when, and what happens when the store refuses the write.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CWM_A, OKE_1, T0, pushRecord } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteStore } from './sqlite-store.js';

describe('device activity written behind in the SQLite store', () => {
  let dataDir: TempDataDir;
  let store: SqliteStore | null;
  let other: Database.Database | null;

  beforeEach(() => {
    dataDir = createTempDataDir('opentps-activity-');
    store = null;
    other = null;
  });
  afterEach(async () => {
    other?.close();
    await store?.close();
    dataDir.remove();
  });

  /** The device row as another process reads it from the file. */
  const rowSeenElsewhere = (): { okm_count: number; last_seen_at: number | null } | undefined =>
    other?.prepare<[string], { okm_count: number; last_seen_at: number | null }>('SELECT okm_count, last_seen_at FROM devices WHERE id = ?').get(CWM_A);

  test('a push is acknowledged before its device row is written; the row follows within the flush interval, and readers of the same store see it at once', async () => {
    store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000, deviceActivityFlushMs: 60_000 });
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    other = new Database(join(dataDir.path, SQLITE_FILE_NAME), { readonly: true });
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1000, heartbeat: { temp: 180 } }));
    await store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 2, receivedAtMs: T0 + 2000, payload: { _hbt: { temp: 181 } }, heartbeat: { temp: 181 } }));
    assert.deepEqual(rowSeenElsewhere(), { okm_count: 0, last_seen_at: null }, 'another process does not see it yet');
    const device = await store.findDevice(CWM_A);
    assert.deepEqual([device?.okmCount, device?.lastSeenAtMs], [2, T0 + 2000], 'a reader of this store waits for the write');
    assert.deepEqual(rowSeenElsewhere(), { okm_count: 2, last_seen_at: T0 + 2000 });
    const states = await store.listDeviceStates(CWM_A);
    assert.deepEqual(states.map((s) => [s.deviceId, s.latestFields]), [[CWM_A, { temp: 180 }], [OKE_1, { temp: 181 }]]);
  });

  test('gathered activity is written by the timer without any reader asking', async () => {
    store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000, deviceActivityFlushMs: 50 });
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    other = new Database(join(dataDir.path, SQLITE_FILE_NAME), { readonly: true });
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1000 }));
    const deadline = Date.now() + 5000;
    while (rowSeenElsewhere()?.okm_count !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(rowSeenElsewhere(), { okm_count: 1, last_seen_at: T0 + 1000 });
  });

  test('a refused write is reported and retried; pushes are acknowledged meanwhile and every OKM is counted once', async () => {
    const failures: number[] = [];
    store = openSqliteStore({
      dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000, deviceActivityFlushMs: 60_000,
      onDeviceActivityWriteFailed: (_error, pending) => failures.push(pending),
    });
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    const admin = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    admin.exec(`CREATE TRIGGER refuse BEFORE UPDATE ON devices BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1000 }));
    const stale = await store.findDevice(CWM_A);
    assert.equal(stale?.okmCount, 0, 'the read goes on with what is stored');
    assert.equal(failures.length, 1, 'the failure was reported');
    const acked = await store.recordPush(pushRecord(CWM_A, { okmId: 2, receivedAtMs: T0 + 2000 }));
    assert.equal(acked.isDuplicate, false, 'a push is still acknowledged while device writes fail');
    admin.exec('DROP TRIGGER refuse');
    admin.close();
    const device = await store.findDevice(CWM_A);
    assert.deepEqual([device?.okmCount, device?.lastSeenAtMs], [2, T0 + 2000], 'both OKMs counted once after the retry');
    assert.equal((await store.listOkms({ cwmId: CWM_A, limit: 10 })).length, 2);
  });
});
