// Runs the shared Store contract against the embedded SQLite store: a real database file in a fresh
// temporary directory per test; `reopen` closes it and opens the same directory again.

import { defineStoreContract } from '../../../../test/contract/store-contract.js';
import { createTempDataDir } from '../../../../test/support/temp-data-dir.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

defineStoreContract('SQLite', async () => {
  const dataDir = createTempDataDir('opentps-contract-');
  const open = (): SqliteStore => openSqliteStore({ dataDir: dataDir.path, durability: 'full', busyTimeoutMs: 1000 });
  let store = open();
  return {
    store,
    async reopen() {
      await store.close();
      store = open();
      return store;
    },
    async cleanup() {
      await store.close();
      dataDir.remove();
    },
  };
});
