// Device credentials cached per node, against the real PostgreSQL: kept while the database announces
// changes, dropped on an announcement from another node, and dropped altogether when the announcing
// connection is lost. Skipped (with the reason) where PostgreSQL is not reachable.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Store } from '../../../domain/store.js';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../../../../test/support/postgres-test-database.js';
import { openPostgresStore } from './postgres-store.js';

const CWM = '0002cafe00000001';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('PostgreSQL device credentials cache', { skip: await postgresSkipReason() }, () => {
  let database: TestDatabase;
  let nodeA: Store;
  let nodeB: Store;
  let sql: pg.Client;

  /** Changes the key behind every node's back: no announcement, as if one were lost. */
  async function changeKeyUnannounced(key: string): Promise<void> {
    await sql.query('ALTER TABLE devices DISABLE TRIGGER devices_credentials_changed');
    await sql.query('UPDATE devices SET key = $2 WHERE id = $1', [CWM, key]);
    await sql.query('ALTER TABLE devices ENABLE TRIGGER devices_credentials_changed');
  }

  /** Reads until node A serves the key from its cache (its listener connects on first use). */
  async function cacheOnA(expectedKey: string): Promise<void> {
    await eventually(async () => {
      if ((await nodeA.findDeviceCredentials(CWM))?.key !== expectedKey) return false;
      await changeKeyUnannounced(`${expectedKey}-probe`);
      const isCached = (await nodeA.findDeviceCredentials(CWM))?.key === expectedKey;
      await changeKeyUnannounced(expectedKey);
      // Not cached yet: that read may have cached the probe key. An announced write makes A forget it.
      if (!isCached) await sql.query('UPDATE devices SET key = key WHERE id = $1', [CWM]);
      return isCached;
    }, 'node A to cache the credentials');
  }

  before(async () => {
    database = await createTestDatabase('opentps_credentials');
    nodeA = await openPostgresStore({ connectionString: database.url, maxConnections: 4 });
    nodeB = await openPostgresStore({ connectionString: database.url, maxConnections: 4 });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    await nodeA.addDevice({ id: CWM, key: 'key-1', name: null, createdAtMs: 1 });
  });

  after(async () => {
    await sql.end();
    await nodeA.close();
    await nodeB.close();
    await database.drop();
  });

  test('a key rotated on node B is used by node A at once, although A had cached the old one', async () => {
    await cacheOnA('key-1');
    await nodeB.setDeviceKey(CWM, 'key-2');
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.key === 'key-2', 'node A to see the new key', 2000);
    await nodeB.updateDevice(CWM, { isDisabled: true });
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.isDisabled === true, 'node A to see the device disabled', 2000);
    await nodeB.updateDevice(CWM, { isDisabled: false });
  });

  test('when the announcing connection is lost, node A forgets everything it cached and reads the database', async () => {
    const current = (await nodeA.findDeviceCredentials(CWM))?.key ?? '';
    await cacheOnA(current);
    await changeKeyUnannounced('key-while-deaf');
    assert.equal((await nodeA.findDeviceCredentials(CWM))?.key, current, 'still cached: nothing was announced');
    await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'opentps-listener' AND datname = current_database()");
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.key === 'key-while-deaf', 'node A to drop its cache after the gap', 3000);
    // Listening again after the reconnect: caching resumes, announcements are heard.
    await cacheOnA('key-while-deaf');
    await nodeB.setDeviceKey(CWM, 'key-3');
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.key === 'key-3', 'node A to hear announcements again', 3000);
  });

  test('a CWM placed at a site on node B, and that site\'s time zone changed or the site deleted there, reach node A\'s cache', async () => {
    const current = (await nodeA.findDeviceCredentials(CWM))?.key ?? '';
    await cacheOnA(current);
    assert.equal((await nodeA.findDeviceCredentials(CWM))?.timeZone, null);
    const site = await nodeB.addSite({ name: 'Kitchen', address: null, timeZone: 'Europe/Berlin', gatewayMacs: ['001a2b3c4d5e'], createdAtMs: 1 });
    await nodeB.recordGatewayMac(CWM, '00-1a-2b-3c-4d-5e', '001a2b3c4d5e', 2);
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.timeZone === 'Europe/Berlin', 'node A to see the site\'s zone', 2000);
    await cacheOnA(current);
    await nodeB.updateSite(site.id, { timeZone: 'Asia/Tokyo' });
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.timeZone === 'Asia/Tokyo', 'node A to see the site\'s new zone', 2000);
    await cacheOnA(current);
    await nodeB.deleteSite(site.id);
    await eventually(async () => (await nodeA.findDeviceCredentials(CWM))?.timeZone === null, 'node A to see the site gone', 2000);
  });

  test('an unknown device is never cached: registered on node B, it is found on node A at once', async () => {
    const other = '0002cafe00000002';
    assert.equal(await nodeA.findDeviceCredentials(other), null);
    await nodeB.addDevice({ id: other, key: 'other-key', name: null, createdAtMs: 1 });
    assert.equal((await nodeA.findDeviceCredentials(other))?.key, 'other-key');
  });
});
