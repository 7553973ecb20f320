// Runs the shared Store contract against a real PostgreSQL: one throwaway database per run of this
// file and a fresh schema per test; `reopen` closes the pool and opens the same schema again.
// Without a reachable server (OPENTPS_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
// the suite is reported as skipped, with the reason.

import { randomBytes } from 'node:crypto';
import { after, describe } from 'node:test';
import pg from 'pg';
import type { Store } from '../../../domain/store.js';
import { defineStoreContract } from '../../../../test/contract/store-contract.js';
import { openPostgresStore } from './postgres-store.js';

const adminUrl = process.env['OPENTPS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const databaseName = `opentps_test_${randomBytes(6).toString('hex')}`;

/** Creates this run's database; the reason to skip when the server cannot be reached or refuses. */
async function createTestDatabase(): Promise<{ url: string } | { skipReason: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
  } catch (error) {
    return { skipReason: `PostgreSQL not usable at ${adminUrl}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return { url: url.toString() };
}

async function dropTestDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

const database = await createTestDatabase();

if ('skipReason' in database) {
  describe('Store contract: PostgreSQL', { skip: database.skipReason }, () => {});
} else {
  after(dropTestDatabase);
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
}
