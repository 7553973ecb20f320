// The traffic writer thread of the embedded store, through openSqliteStore with real files.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { trafficEntry } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { isOpenTpsError } from '../../../errors.js';
import { SQLITE_TRAFFIC_FILE_NAME, openSqliteStore, type SqliteStore } from './sqlite-store.js';

const CWM = '0002000000000001';

describe('traffic written on its own thread', () => {
  let dataDir: TempDataDir;
  let store: SqliteStore;

  beforeEach(() => {
    dataDir = createTempDataDir('opentps-traffic-writer-');
    store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
  });
  afterEach(async () => {
    await store.close();
    dataDir.remove();
  });

  test('an entry is readable once its write resolved, and each bucket keeps its newest entries', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.recordTraffic(trafficEntry(CWM, { receivedAtMs: i }), 10)));
    const kept = await store.listTraffic({ deviceId: CWM, limit: 100 });
    assert.ok(kept.length >= 10 && kept.length <= 10 + 16, `pruned to the newest (bounded by the prune step): ${kept.length}`);
    assert.equal(kept.at(-1)?.receivedAtMs, 39, 'newest last');
  });

  test('a write the database refuses rejects with ERR_STORE_FAILED, and the writer goes on with the next ones', async () => {
    const admin = new Database(join(dataDir.path, SQLITE_TRAFFIC_FILE_NAME));
    admin.exec(`CREATE TRIGGER refuse BEFORE INSERT ON traffic WHEN NEW.url = '/refused' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    admin.close();
    await assert.rejects(store.recordTraffic(trafficEntry(CWM, { url: '/refused' }), 10), (error: unknown) => isOpenTpsError(error, 'ERR_STORE_FAILED'));
    await store.recordTraffic(trafficEntry(CWM, { url: '/push' }), 10);
    assert.deepEqual((await store.listTraffic({ deviceId: CWM, limit: 10 })).map((entry) => entry.url), ['/push']);
  });

  test('closing the store writes every entry handed over before it', async () => {
    const recorded = Array.from({ length: 25 }, (_, i) => store.recordTraffic(trafficEntry(CWM, { receivedAtMs: i }), 1000));
    await store.close();
    await Promise.all(recorded);
    const db = new Database(join(dataDir.path, SQLITE_TRAFFIC_FILE_NAME), { readonly: true });
    assert.equal(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM traffic').get()?.n, 25);
    db.close();
    store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
  });
});
