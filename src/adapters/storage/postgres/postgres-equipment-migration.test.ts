// The issue 15 migration on a PostgreSQL store that already holds device states: every record gets its
// model from its id (a stored generated column, computed for the existing rows) and one history entry, and
// later changes of CWM are recorded by the triggers.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { CWM_A, CWM_B, OKE_1, T0, pushRecord } from '../../../../test/contract/store-fixtures.js';
import { createTestDatabase, postgresSkipReason } from '../../../../test/support/postgres-test-database.js';
import { POSTGRES_MIGRATIONS, migratePostgres } from './postgres-migrations.js';
import { openPostgresStore } from './postgres-store.js';

const NOW = T0 + 60_000;

test('device states stored before the equipment registry become records with their model and a first history entry', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_equipment_migration');
  after(() => database.drop());
  const schema = 'before_equipment';
  const client = new pg.Client({ connectionString: database.url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await migratePostgres(client, schema, POSTGRES_MIGRATIONS.slice(0, -1));
    const insert = 'INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4)';
    await client.query(insert, [OKE_1, CWM_A, T0, T0 + 10]);
    await client.query(insert, [CWM_A, CWM_A, T0 - 5, T0 + 20]);
    await client.query(insert, ['fryer-7', CWM_A, T0 + 1, T0 + 30]);
  } finally {
    await client.end();
  }
  const store = await openPostgresStore({ connectionString: database.url, schema });
  try {
    const page = await store.queryEquipment({ search: null, modelId: null, siteId: null, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: 10, offset: 0 }, NOW);
    assert.deepEqual(page.items.map((item) => [item.id, item.modelId]), [[CWM_A, 'c000'], [OKE_1, '0363'], ['fryer-7', null]]);
    assert.deepEqual((await store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_A, sinceMs: T0 }]);
    await store.recordPush(pushRecord(CWM_B, { originId: OKE_1, okmId: 1, receivedAtMs: T0 + 100 }));
    assert.deepEqual((await store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_B, sinceMs: T0 + 100 }, { cwmId: CWM_A, sinceMs: T0 }]);
  } finally {
    await store.close();
  }
});
