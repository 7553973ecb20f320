// Registers benchmark CWMs in a PostgreSQL store, many at a time.

import { openPostgresStore } from '../../src/adapters/storage/postgres/postgres-store.js';

export async function registerInPostgres(url: string, keys: ReadonlyMap<string, string>): Promise<void> {
  const store = await openPostgresStore({ connectionString: url, maxConnections: 8 });
  const entries = [...keys];
  for (let i = 0; i < entries.length; i += 500) {
    await Promise.all(entries.slice(i, i + 500).map(([id, key]) => store.addDevice({ id, key, name: null, createdAtMs: Date.now() })));
  }
  await store.close();
}
