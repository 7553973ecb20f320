// Runs the shared Store contract against a real PostgreSQL: one throwaway database per run of this
// file and a fresh schema per test; `reopen` closes the pool and opens the same schema again.
// Without a reachable server (OPENTPS_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
// the suite is reported as skipped, with the reason.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Store } from '../../../domain/store.js';
import { defineStoreContract } from '../../../../test/contract/store-contract.js';
import { CWM_A, pushRecord, registerDevice } from '../../../../test/contract/store-fixtures.js';
import { openPostgresStore } from './postgres-store.js';
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
  });
}
