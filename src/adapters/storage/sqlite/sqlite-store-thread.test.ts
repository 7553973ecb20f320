// The embedded store on its own thread (sqlite-store-thread.ts): the same answers as in one thread, errors
// with their codes, and a call that cannot cross refused instead of hanging. Write health told across
// threads is tested end to end by test/e2e-disk-full.test.ts (the server runs its store this way).

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CWM_A, T0, pushRecord } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import type { Store } from '../../../domain/store.js';
import { isOpenTpsError } from '../../../errors.js';
import { openSqliteStore } from './sqlite-store.js';
import { openSqliteStoreThread } from './sqlite-store-thread.js';

describe('the SQLite store on its own thread', () => {
  let dataDir: TempDataDir;
  let store: Store;

  beforeEach(async () => {
    dataDir = createTempDataDir('opentps-store-thread-');
    store = await openSqliteStoreThread({ dataDir: dataDir.path, durability: 'full', busyTimeoutMs: 1000 });
  });
  afterEach(async () => {
    await store.close();
    dataDir.remove();
  });

  test('a push is stored durably there and read back here, the same as in one thread', async () => {
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: 'fryer 1', createdAtMs: T0 });
    const outcome = await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1000, heartbeat: { temp: 180 } }));
    assert.deepEqual([outcome.isDuplicate, outcome.isPullPending], [false, false]);
    const again = await store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 2000, heartbeat: { temp: 180 } }));
    assert.deepEqual([again.isDuplicate, again.storedOkmId], [true, outcome.storedOkmId]);
    const device = await store.findDevice(CWM_A);
    assert.deepEqual([device?.name, device?.okmCount, device?.lastSeenAtMs], ['fryer 1', 1, T0 + 2000]);
    await store.close();
    const reopened = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
    try {
      assert.deepEqual((await reopened.listOkms({ cwmId: CWM_A, limit: 10 })).map((okm) => okm.okmId), [1]);
    } finally {
      await reopened.close();
    }
  });

  test('an error thrown there arrives here as the same OpenTpsError, code and message', async () => {
    await store.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    await assert.rejects(store.addDevice({ id: CWM_A, key: 'other-key', name: null, createdAtMs: T0 }), (error: unknown) =>
      isOpenTpsError(error, 'ERR_DEVICE_EXISTS') && error.message.includes(CWM_A) && error.status === 409);
    await assert.rejects(store.updateDevice('0002ffffffffffff', { name: 'x' }), (error: unknown) => isOpenTpsError(error, 'ERR_DEVICE_NOT_FOUND'));
  });

  test('arguments that cannot be copied to the thread are refused at once, and nothing is left waiting', async () => {
    const call = (store as unknown as { addDevice: (device: unknown) => Promise<unknown> }).addDevice({ id: CWM_A, key: 'k', name: null, createdAtMs: T0, extra: () => 1 });
    await assert.rejects(call, (error: unknown) => isOpenTpsError(error, 'ERR_STORE_FAILED'));
    assert.equal(store.pendingWriteCount, 0);
    assert.equal(await store.findDevice(CWM_A), null);
  });

  test('credentials are cached on the calling side: a change through this store is seen at once, one by another process within a few hundred ms', async () => {
    await store.addDiscoveredDevice(CWM_A, T0);
    assert.equal((await store.findDeviceCredentials(CWM_A))?.key, null);
    await store.addDevice({ id: CWM_A, key: 'own-key-123', name: null, createdAtMs: T0 });
    assert.equal((await store.findDeviceCredentials(CWM_A))?.key, 'own-key-123', 'the own change dropped the cached entry');
    const cli = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
    try {
      await cli.setDeviceKey(CWM_A, 'key-from-the-cli');
    } finally {
      await cli.close();
    }
    const deadline = Date.now() + 3000;
    let key = (await store.findDeviceCredentials(CWM_A))?.key;
    while (key !== 'key-from-the-cli' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      key = (await store.findDeviceCredentials(CWM_A))?.key;
    }
    assert.equal(key, 'key-from-the-cli');
  });

  test('credentials cached on the calling side follow the site\'s time zone: a placement, a site edit or deletion here, a site edit by another process', async () => {
    await store.addDevice({ id: CWM_A, key: 'own-key-123', name: null, createdAtMs: T0 });
    const site = await store.addSite({ name: 'Kitchen', address: null, timeZone: 'Europe/Berlin', gatewayMacs: ['001a2b3c4d5e'], createdAtMs: T0 });
    assert.equal((await store.findDeviceCredentials(CWM_A))?.timeZone, null, 'cached here without a site');
    await store.recordGatewayMac(CWM_A, '001A2B3C4D5E', '001a2b3c4d5e', T0);
    assert.equal((await store.findDeviceCredentials(CWM_A))?.timeZone, 'Europe/Berlin');
    await store.updateSite(site.id, { timeZone: 'Asia/Tokyo' });
    assert.equal((await store.findDeviceCredentials(CWM_A))?.timeZone, 'Asia/Tokyo');
    const cli = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
    try {
      await cli.updateSite(site.id, { timeZone: 'America/New_York' });
    } finally {
      await cli.close();
    }
    const deadline = Date.now() + 3000;
    let timeZone = (await store.findDeviceCredentials(CWM_A))?.timeZone;
    while (timeZone !== 'America/New_York' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      timeZone = (await store.findDeviceCredentials(CWM_A))?.timeZone;
    }
    assert.equal(timeZone, 'America/New_York');
    await store.deleteSite(site.id);
    assert.equal((await store.findDeviceCredentials(CWM_A))?.timeZone, null);
  });
});
