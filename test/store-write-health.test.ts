// Each store tells its WriteHealth when it cannot write: SQLite on a really full (tmpfs) disk, PostgreSQL
// on a database turned read-only (as a standby is after a failover). A refused write is ERR_STORE_FAILED,
// and one probe write clears the failure once the store can write again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { createSystemClock } from '../src/domain/clock.js';
import { createWriteHealth } from '../src/domain/write-health.js';
import { isOpenTpsError } from '../src/errors.js';
import { CWM_A, pushRecord, registerDevice } from './contract/store-fixtures.js';
import { createTestDatabase, postgresSkipReason, TEST_PG_URL } from './support/postgres-test-database.js';
import { mountSmallFilesystem } from './support/small-filesystem.js';

/** Big enough that a few hundred fill a few megabytes. */
const PADDING = 'x'.repeat(8000);

test('SQLite: on a full disk writes fail as ERR_STORE_FAILED with the reason "disk full", and a probe write clears it once space is back', async (t) => {
  const filesystem = await mountSmallFilesystem(8);
  if ('skipReason' in filesystem) return t.skip(filesystem.skipReason);
  const health = createWriteHealth({ clock: createSystemClock() });
  // Read through a function: the compiler would otherwise keep `health.failure` narrowed to null after an assertion.
  const failureReason = (): string | null => health.failure?.reason ?? null;
  const store = openSqliteStore({ dataDir: `${filesystem.path}/data`, durability: 'full', busyTimeoutMs: 1000, writeHealth: health });
  try {
    await registerDevice(store, CWM_A);
    assert.equal(failureReason(), null);
    filesystem.fillLeaving(512 * 1024);
    let refusal: unknown = null;
    for (let okmId = 1; okmId <= 2000 && refusal === null; okmId++) {
      await store.recordPush(pushRecord(CWM_A, { okmId, payload: { _hbt: { pad: PADDING } } })).catch((error: unknown) => {
        refusal = error;
      });
    }
    assert.ok(isOpenTpsError(refusal, 'ERR_STORE_FAILED'), `a write was refused as ERR_STORE_FAILED: ${String(refusal)}`);
    assert.equal(failureReason(), 'disk full');
    await assert.rejects(store.probeWrite(), (error: unknown) => isOpenTpsError(error, 'ERR_STORE_FAILED'));

    filesystem.removeFiller();
    await store.probeWrite();
    assert.equal(failureReason(), null);
    await store.recordPush(pushRecord(CWM_A, { okmId: 9999 }));
  } finally {
    await store.close().catch(() => undefined);
    await filesystem.unmount();
  }
});

const pgSkip = await postgresSkipReason();

test('PostgreSQL: writes to a read-only database fail with the reason "read-only", and a probe write clears it once it takes writes', { skip: pgSkip }, async () => {
  const database = await createTestDatabase('opentps_write_health');
  const name = new URL(database.url).pathname.slice(1);
  const health = createWriteHealth({ clock: createSystemClock() });
  const failureReason = (): string | null => health.failure?.reason ?? null;
  // Terminated idle connections are reported here instead of as process warnings.
  const store = await openPostgresStore({ connectionString: database.url, writeHealth: health, maxConnections: 2, onConnectionError: () => undefined });
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  /** Sets the database's default and ends its sessions, so that the pool's new ones start with it. */
  const setReadOnly = async (isReadOnly: boolean): Promise<void> => {
    await admin.query(`ALTER DATABASE ${name} ${isReadOnly ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  };
  /** Probe writes until one commits or `attempts` failed; a probe may first meet a connection ended above. */
  const probe = async (attempts: number): Promise<unknown> => {
    let lastError: unknown = null;
    for (let i = 0; i < attempts; i++) {
      try {
        await store.probeWrite();
        return null;
      } catch (error) {
        lastError = error;
      }
    }
    return lastError;
  };
  try {
    await registerDevice(store, CWM_A);
    assert.equal(failureReason(), null);

    await setReadOnly(true);
    const refusal = await probe(3);
    assert.ok(isOpenTpsError(refusal, 'ERR_STORE_FAILED'), `the write was refused as ERR_STORE_FAILED: ${String(refusal)}`);
    assert.equal(failureReason(), 'read-only');
    await assert.rejects(store.recordPush(pushRecord(CWM_A)), (error: unknown) => isOpenTpsError(error, 'ERR_STORE_FAILED'));

    await setReadOnly(false);
    assert.equal(await probe(3), null, 'a probe write committed');
    assert.equal(failureReason(), null);
  } finally {
    await store.close().catch(() => undefined);
    await admin.end();
    await database.drop();
  }
});
