// The issue 15 migration on an embedded store that already holds device states: every record gets its
// model from its id and one history entry (its CWM since its first sighting), and later changes of CWM are
// recorded by the triggers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CWM_A, CWM_B, OKE_1, T0, pushRecord } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir } from '../../../../test/support/temp-data-dir.js';
import { RECORD_MIGRATIONS, migrateSqlite } from './sqlite-migrations.js';
import { SQLITE_FILE_NAME, openSqliteStore } from './sqlite-store.js';

const NOW = T0 + 60_000;

test('device states stored before the equipment registry become records with their model and a first history entry', async () => {
  const dataDir = createTempDataDir('opentps-equipment-migration-');
  try {
    const db = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    migrateSqlite(db, RECORD_MIGRATIONS.slice(0, -1));
    const insert = db.prepare('INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)');
    insert.run(OKE_1, CWM_A, T0, T0 + 10);
    insert.run(CWM_A, CWM_A, T0 - 5, T0 + 20);
    insert.run('fryer-7', CWM_A, T0 + 1, T0 + 30);
    db.close();

    const store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
    try {
      const page = await store.queryEquipment({ search: null, modelId: null, siteId: null, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: 10, offset: 0 }, NOW);
      assert.deepEqual(page.items.map((item) => [item.id, item.modelId]), [[CWM_A, 'c000'], [OKE_1, '0363'], ['fryer-7', null]]);
      assert.deepEqual((await store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_A, sinceMs: T0 }]);
      await store.recordPush(pushRecord(CWM_B, { originId: OKE_1, okmId: 1, receivedAtMs: T0 + 100 }));
      assert.deepEqual((await store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_B, sinceMs: T0 + 100 }, { cwmId: CWM_A, sinceMs: T0 }]);
    } finally {
      await store.close();
    }
  } finally {
    dataDir.remove();
  }
});
