// The WAL bound of the embedded store (wal-bound.ts), driven through openSqliteStore with real files:
// sustained writes to both databases with an 8 MB bound, and a reader on another connection that pins the WAL.
// traffic.db is written and checkpointed by its own worker thread (traffic-writer-worker.mjs), which keeps its
// WAL small without the bound: the test holds it to the same limit.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { pushRecord, trafficEntry } from '../../../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME, openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { WalBoundEvent } from './wal-bound.js';

const MAX_WAL_BYTES = 8 * 2 ** 20;
/**
 * Writes per round, all in one tick: one batch for each database. 200 pushes from 200 CWMs touch up to
 * ~1.3 MB of pages in the records WAL (a compact OKM partition has three indexes in random order: the
 * dedup digest, by CWM, by origin), hence a bound of 8 MB: one batch stays small beside it.
 */
const ROUND_WRITES = 200;
const DEVICES = 2000;

describe('the WAL bound of the SQLite store', () => {
  let dataDir: TempDataDir;
  let store: SqliteStore;
  let events: WalBoundEvent[];
  let nextOkmId: number;
  const walOf = (file: string): string => join(dataDir.path, `${file}-wal`);
  const walBytes = (file: string): number => statSync(walOf(file), { throwIfNoEntry: false })?.size ?? 0;
  const eventsOf = (file: string, kind: WalBoundEvent['kind']): WalBoundEvent[] =>
    events.filter((event) => event.walPath === walOf(file) && event.kind === kind);

  function open(overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
    return openSqliteStore({
      dataDir: dataDir.path,
      durability: 'full',
      busyTimeoutMs: 5000,
      backgroundCheckpointMs: 50,
      maxWalBytes: MAX_WAL_BYTES,
      onWalEvent: (event) => events.push(event),
      ...overrides,
    });
  }

  /** One batch of pushes (from DEVICES CWMs in turn) and one of traffic rows; resolves with the stored OKM ids. */
  async function writeRound(): Promise<number[]> {
    const pushes: Array<Promise<number>> = [];
    const recorded: Array<Promise<void>> = [];
    for (let i = 0; i < ROUND_WRITES; i++) {
      const okmId = nextOkmId++;
      const cwmId = `0002${(okmId % DEVICES).toString(16).padStart(12, '0')}`;
      pushes.push(store.recordPush(pushRecord(cwmId, { okmId, payload: { _hbt: { temp: okmId % 200, note: 'x'.repeat(200) } } })).then((outcome) => outcome.storedOkmId));
      recorded.push(store.recordTraffic(trafficEntry(cwmId, { body: `req=${'y'.repeat(2000)}${okmId}` }), 1_000_000));
    }
    await Promise.all(recorded);
    return Promise.all(pushes);
  }

  beforeEach(async () => {
    dataDir = createTempDataDir('opentps-wal-bound-');
    events = [];
    nextOkmId = 1;
    store = open();
    await Promise.all(Array.from({ length: DEVICES }, (_, i) =>
      store.addDevice({ id: `0002${i.toString(16).padStart(12, '0')}`, key: `key-${i}-of-the-fleet`, name: null, createdAtMs: 0 })));
  });

  afterEach(async () => {
    await store.close();
    dataDir.remove();
  });

  test('under sustained writes each WAL file stays within the bound plus one batch (opentps.db restarted by the bound, traffic.db checkpointed by its writer), and every acknowledged write is readable after', async () => {
    const files = [SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME];
    const largest = new Map(files.map((file) => [file, 0]));
    const largestBatch = new Map(files.map((file) => [file, 0]));
    const sample = (): void => {
      for (const file of files) largest.set(file, Math.max(largest.get(file) ?? 0, walBytes(file)));
    };
    // Sampled between batches, and on a timer that fires while batches are queued, held and committed.
    const sampler = setInterval(sample, 1);
    const acknowledged: number[] = [];
    try {
      for (let round = 0; round < 400 && eventsOf(SQLITE_FILE_NAME, 'restarted').length < 3; round++) {
        const before = files.map(walBytes);
        acknowledged.push(...(await writeRound()));
        files.forEach((file, i) => largestBatch.set(file, Math.max(largestBatch.get(file) ?? 0, walBytes(file) - (before[i] ?? 0))));
        sample();
      }
    } finally {
      clearInterval(sampler);
    }
    assert.ok(eventsOf(SQLITE_FILE_NAME, 'restarted').length >= 3, `the records WAL was restarted again and again under load: ${JSON.stringify(events.slice(0, 5))}`);
    assert.ok((largest.get(SQLITE_TRAFFIC_FILE_NAME) ?? 0) > 0, 'traffic was written');
    for (const file of files) {
      assert.deepEqual(eventsOf(file, 'not-restarted'), []);
      const batchBytes = largestBatch.get(file) ?? 0;
      assert.ok(batchBytes < MAX_WAL_BYTES / 4, `one batch (${batchBytes} bytes) is small beside the bound`);
      assert.ok((largest.get(file) ?? 0) <= MAX_WAL_BYTES + batchBytes, `${file}-wal reached ${largest.get(file)} bytes`);
    }
    await store.close();
    const db = new Database(join(dataDir.path, SQLITE_FILE_NAME), { readonly: true });
    const traffic = new Database(join(dataDir.path, SQLITE_TRAFFIC_FILE_NAME), { readonly: true });
    try {
      const partitions = db.prepare<[], { name: string }>('SELECT name FROM okm_partitions').all();
      const stored = partitions.flatMap((p) => db.prepare<[], { id: number }>(`SELECT id FROM "${p.name}"`).all().map((row) => row.id)).sort((a, b) => a - b);
      assert.deepEqual(stored, [...acknowledged].sort((a, b) => a - b));
      assert.equal(traffic.prepare<[], { n: number }>('SELECT count(*) AS n FROM traffic').get()?.n, acknowledged.length);
    } finally {
      db.close();
      traffic.close();
    }
    store = open();
  });

  test('a reader holding a snapshot on another connection does not stall writers: they go on past the bound, and the WAL restarts once it ends', async () => {
    await store.close();
    store = open({ walRestartCapMs: 200, walRetryAfterMs: 100 });
    await writeRound();
    const reader = new Database(join(dataDir.path, SQLITE_FILE_NAME));
    reader.exec('BEGIN');
    const countOkms = (): number | undefined => {
      const newest = reader.prepare<[], { name: string }>('SELECT name FROM okm_partitions ORDER BY start_ms DESC LIMIT 1').get()?.name;
      return reader.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${newest}"`).get()?.n;
    };
    const countAtStart = countOkms();
    let isReaderDone = false;
    try {
      // Every round must be acknowledged while the reader keeps its snapshot: a stalled writer would hang here.
      const isPastBoundAndReported = (): boolean => walBytes(SQLITE_FILE_NAME) > MAX_WAL_BYTES && eventsOf(SQLITE_FILE_NAME, 'not-restarted').length > 0;
      for (let round = 0; round < 400 && !isPastBoundAndReported(); round++) await writeRound();
      assert.ok(walBytes(SQLITE_FILE_NAME) > MAX_WAL_BYTES, 'writes went on past the bound while the WAL could not be restarted');
      assert.ok(eventsOf(SQLITE_FILE_NAME, 'not-restarted').length >= 1, 'each restart given up on is reported');
      assert.deepEqual(eventsOf(SQLITE_FILE_NAME, 'restarted'), []);
      assert.equal(countOkms(), countAtStart, 'the reader kept its snapshot all along');
      reader.exec('COMMIT');
      isReaderDone = true;
      for (let round = 0; round < 400 && eventsOf(SQLITE_FILE_NAME, 'restarted').length === 0; round++) await writeRound();
      assert.equal(eventsOf(SQLITE_FILE_NAME, 'restarted').length, 1, 'the WAL restarts once the reader is gone');
      // The first commit after a restart trims the file (journal_size_limit): the restart may have come after
      // the round's last commit.
      await writeRound();
      assert.ok(walBytes(SQLITE_FILE_NAME) <= MAX_WAL_BYTES, 'and the file is back under the bound');
    } finally {
      if (!isReaderDone) reader.exec('COMMIT');
      reader.close();
    }
  });
});
