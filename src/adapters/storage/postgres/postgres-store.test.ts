// Runs the shared Store contract against a real PostgreSQL: one throwaway database per run of this
// file and a fresh schema per test; `reopen` closes the pool and opens the same schema again.
// Without a reachable server (OPENTPS_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
// the suite is reported as skipped, with the reason.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Store } from '../../../domain/store.js';
import { defineStoreContract } from '../../../../test/contract/store-contract.js';
import { CWM_A, CWM_B, T0, pushRecord, registerDevice } from '../../../../test/contract/store-fixtures.js';
import { DEFAULT_PARTITION_SPAN_MS } from '../../../domain/telemetry-store.js';
import { openPostgresStore } from './postgres-store.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createTestDatabase, postgresSkipReason } from '../../../../test/support/postgres-test-database.js';

const skipReason = await postgresSkipReason();
const database = skipReason === false ? await createTestDatabase('opentps_test') : { skipReason };

if ('skipReason' in database) {
  describe('Store contract: PostgreSQL', { skip: database.skipReason }, () => {});
} else {
  after(() => database.drop());
  let schemaCount = 0;

  defineStoreContract('PostgreSQL', async () => {
    const schema = `contract_${++schemaCount}`;
    const open = (): Promise<Store> => openPostgresStore({ connectionString: database.url, schema, maxConnections: 8 });
    let store = await open();
    return {
      store,
      async reopen() {
        await store.close();
        store = await open();
        return store;
      },
      async cleanup() {
        await store.close();
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        try {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        } finally {
          await admin.end();
        }
      },
    };
  });

  describe('PostgreSQL migrations', () => {
    test('four nodes opening a new schema at once: all open, every step applied exactly once', async () => {
      const open = () => openPostgresStore({ connectionString: database.url, schema: 'concurrent_open', maxConnections: 2 });
      const stores = await Promise.all([open(), open(), open(), open()]);
      try {
        const check = new pg.Client({ connectionString: database.url });
        await check.connect();
        try {
          const { rows } = await check.query<{ version: number; n: string }>(
            'SELECT version, count(*) AS n FROM concurrent_open.schema_migrations GROUP BY version ORDER BY version',
          );
          assert.deepEqual(rows.map((row) => [row.version, Number(row.n)]), POSTGRES_MIGRATIONS.map((_, i) => [i + 1, 1]));
        } finally {
          await check.end();
        }
        await stores[0]?.addDevice({ id: CWM_A, key: 'k-concurrent', name: null, createdAtMs: 1 });
        assert.equal((await stores[3]?.findDeviceCredentials(CWM_A))?.key, 'k-concurrent', 'one schema shared by all');
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  });

  describe('PostgreSQL push batches', () => {
    test('a push PostgreSQL refuses (NUL in text) fails alone; the rest of its batch is stored', async () => {
      const store = await openPostgresStore({ connectionString: database.url, schema: 'nul_batch', maxConnections: 4 });
      try {
        await registerDevice(store, CWM_A);
        const bad = pushRecord(CWM_A, { okmId: 2, rawOkm: 'text with \u0000 inside' });
        const results = await Promise.allSettled([
          store.recordPush(pushRecord(CWM_A, { okmId: 1 })),
          store.recordPush(bad),
          store.recordPush(pushRecord(CWM_A, { okmId: 3 })),
        ]);
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        const rejected = results[1];
        assert.equal(rejected?.status === 'rejected' && (rejected.reason as { code?: string }).code, 'ERR_STORE_FAILED');
        assert.deepEqual((await store.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.okmId), [1, 3]);
        assert.equal((await store.findDevice(CWM_A))?.okmCount, 2);
      } finally {
        await store.close();
      }
    });

    test('two nodes storing the same OKM at once, received either side of a partition boundary, store it once', async () => {
      const open = () => openPostgresStore({ connectionString: database.url, schema: 'boundary_race', maxConnections: 4 });
      const [nodeA, nodeB] = await Promise.all([open(), open()]);
      try {
        // CWM_A has a device row (locked by each batch); CWM_B has none (open mode: an advisory lock instead).
        await registerDevice(nodeA, CWM_A);
        const boundary = (Math.floor(T0 / DEFAULT_PARTITION_SPAN_MS) + 1) * DEFAULT_PARTITION_SPAN_MS;
        await nodeA.preparePartitions(boundary - 1);
        for (const cwmId of [CWM_A, CWM_B]) {
          for (let okmId = 1; okmId <= 20; okmId++) {
            const outcomes = await Promise.all([
              nodeA.recordPush(pushRecord(cwmId, { okmId, receivedAtMs: boundary - 1 })),
              nodeB.recordPush(pushRecord(cwmId, { okmId, receivedAtMs: boundary + 1 })),
            ]);
            assert.deepEqual(outcomes.map((o) => o.isDuplicate).sort(), [false, true], `${cwmId} _id ${okmId}: stored once`);
            assert.equal(outcomes[0]?.storedOkmId, outcomes[1]?.storedOkmId, 'the re-send names the stored OKM');
          }
          assert.equal(await nodeB.countOkms(cwmId), 20);
        }
      } finally {
        await Promise.all([nodeA.close(), nodeB.close()]);
      }
    });
  });
}
