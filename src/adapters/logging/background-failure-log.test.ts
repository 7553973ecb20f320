// Background work that fails reaches the log with its context and the metric with its task: a real store
// whose device-activity writes are refused (a trigger), a real pino logger writing to a captured stream,
// and the server's own metrics registry. Once with the store in this thread, once on its own thread.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { CWM_A, T0, pushRecord } from '../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../test/support/temp-data-dir.js';
import type { Store } from '../../domain/store.js';
import { createEventMetrics, type EventMetrics } from '../metrics/event-metrics.js';
import { SQLITE_FILE_NAME, openSqliteStore } from '../storage/sqlite/sqlite-store.js';
import { openSqliteStoreThread } from '../storage/sqlite/sqlite-store-thread.js';
import { createBackgroundFailureReporter } from './background-failure-log.js';

describe('background failures are logged with their context and counted', () => {
  let dataDir: TempDataDir;
  let store: Store | null;
  let lines: Array<Record<string, unknown>>;
  let metrics: EventMetrics;

  beforeEach(() => {
    dataDir = createTempDataDir('opentps-failures-');
    store = null;
    lines = [];
    metrics = createEventMetrics();
  });
  afterEach(async () => {
    await store?.close();
    dataDir.remove();
  });

  const reportFailure = () =>
    createBackgroundFailureReporter(
      pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
      (task) => metrics.backgroundFailures.labels(task).inc(),
    );

  const countOf = async (task: string): Promise<number | undefined> =>
    (await metrics.backgroundFailures.get()).values.find((value) => value.labels['task'] === task)?.value;

  /** Refuses every update of the devices table, as a full disk or a lock would refuse the write behind the pushes. */
  const refuseDeviceWrites = (): void => {
    const admin = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    admin.exec(`CREATE TRIGGER refuse BEFORE UPDATE ON devices BEGIN SELECT RAISE(ABORT, 'device rows refused'); END`);
    admin.close();
  };

  const assertReported = async (): Promise<void> => {
    const line = lines.find((entry) => entry['task'] === 'device-activity-write');
    assert.ok(line, `a line for the task, got ${JSON.stringify(lines)}`);
    assert.equal(line['level'], 40, 'a warning: the write is retried');
    assert.equal(line['msg'], 'device-activity-write failed');
    assert.equal(line['pendingDevices'], 2, 'the CWM\'s row and its state row wait');
    assert.match(JSON.stringify(line['err']), /device rows refused/);
    assert.equal(await countOf('device-activity-write'), 1);
    assert.equal(await countOf('wal-checkpoint'), 0, 'other tasks are exposed at 0');
  };

  /** Pushes with device writes refused, then reads: a read writes the gathered activity first, so the failure is reported by then. */
  const pushWithDeviceWritesRefused = async (opened: Store): Promise<void> => {
    store = opened;
    await opened.addDevice({ id: CWM_A, key: 'key-of-a', name: null, createdAtMs: T0 });
    refuseDeviceWrites();
    await opened.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: T0 + 1000 }));
    await opened.findDevice(CWM_A);
  };

  test('a refused device activity write of the store in this thread', async () => {
    await pushWithDeviceWritesRefused(openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000, deviceActivityFlushMs: 60_000, reportFailure: reportFailure() }));
    await assertReported();
  });

  test('a refused device activity write of the store on its own thread is reported on this side', async () => {
    // The thread posts the failure before the read's answer (its messages keep their order).
    await pushWithDeviceWritesRefused(await openSqliteStoreThread({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000, deviceActivityFlushMs: 60_000, reportFailure: reportFailure() }));
    await assertReported();
  });
});
