import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createTempDataDir } from '../../../../test/support/temp-data-dir.js';
import { openSqliteStore } from './sqlite-store.js';
import { DATA_VERSION_CHECK_MS } from './sqlite-device-repo.js';

/** Past the credentials cache's staleness bound: another process's commit must be seen by then. */
const pastCheckInterval = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, DATA_VERSION_CHECK_MS + 20));

const dir = createTempDataDir();
after(() => dir.remove());

test('cached credentials follow a change committed by another connection (another process, like the CLI) within DATA_VERSION_CHECK_MS', async () => {
  const server = openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 2000 });
  const cli = openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 2000 });
  try {
    assert.equal(await server.findDeviceCredentials('0002000000000001'), null);
    await cli.addDiscoveredDevice('0002000000000001', 1);
    await pastCheckInterval();
    const discovered = await server.findDeviceCredentials('0002000000000001');
    assert.equal(discovered?.key, null, 'an unknown id is not cached as missing');
    await cli.addDevice({ id: '0002000000000001', key: 'key-from-the-cli', name: null, createdAtMs: 2 });
    await pastCheckInterval();
    assert.equal((await server.findDeviceCredentials('0002000000000001'))?.key, 'key-from-the-cli', 'the discovered entry was dropped');
  } finally {
    await cli.close();
    await server.close();
  }
});

test('a credential change made through the same store is seen at once', async () => {
  const store = openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 2000 });
  try {
    await store.addDiscoveredDevice('0002000000000002', 1);
    assert.equal((await store.findDeviceCredentials('0002000000000002'))?.key, null);
    await store.addDevice({ id: '0002000000000002', key: 'own-key-123', name: null, createdAtMs: 2 });
    assert.equal((await store.findDeviceCredentials('0002000000000002'))?.key, 'own-key-123');
  } finally {
    await store.close();
  }
});
