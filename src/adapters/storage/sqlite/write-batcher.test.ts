import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { isOpenTpsError } from '../../../errors.js';
import { createWriteBatcher, type WriteGate } from './write-batcher.js';

describe('createWriteBatcher', () => {
  let dataDir: TempDataDir;
  let db: Database.Database;
  /** A second connection to the same file: it sees only what has committed. */
  let observer: Database.Database;

  beforeEach(() => {
    dataDir = createTempDataDir('opentps-batcher-');
    const path = join(dataDir.path, 'batch.db');
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE items (n INTEGER NOT NULL)');
    observer = new Database(path, { readonly: true });
  });

  afterEach(() => {
    observer.close();
    db.close();
    dataDir.remove();
  });

  function committedCount(): number {
    const row = observer.prepare<[], { n: number }>('SELECT count(*) AS n FROM items').get();
    return row?.n ?? -1;
  }

  function insertItem(n: number): () => number {
    return () => Number(db.prepare('INSERT INTO items (n) VALUES (?)').run(n).lastInsertRowid);
  }

  test('with a least commit interval, writes that follow a commit closely wait and share the next commit; a write after a quiet spell commits at once', async () => {
    let commits = 0;
    const batcher = createWriteBatcher(db, { minCommitIntervalMs: 40, afterCommit: async () => void commits++ });
    const quietStart = performance.now();
    await batcher.run(insertItem(1));
    assert.ok(performance.now() - quietStart < 30, 'the first write did not wait for the interval');
    assert.equal(commits, 1);
    // Three writes in three event-loop turns, all within the interval of the first commit.
    const later: Array<Promise<number>> = [];
    for (let i = 2; i <= 4; i++) {
      later.push(batcher.run(insertItem(i)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(committedCount(), 1, 'nothing committed before the interval ran out');
    await Promise.all(later);
    assert.equal(commits, 2, 'the three writes shared one commit');
    assert.equal(committedCount(), 4);
  });

  test('commits every write of one tick in a single transaction and answers each with its result', async () => {
    const batcher = createWriteBatcher(db);
    const seenCommittedDuringBatch: number[] = [];
    const writes = Array.from({ length: 50 }, (_, n) =>
      batcher.run(() => {
        // While the batch runs, the other connection sees none of it: nothing has committed yet.
        seenCommittedDuringBatch.push(committedCount());
        return insertItem(n)();
      }),
    );
    assert.equal(batcher.pendingCount, 50);
    const rowIds = await Promise.all(writes);
    assert.deepEqual(rowIds, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.deepEqual(seenCommittedDuringBatch, Array.from({ length: 50 }, () => 0));
    assert.equal(committedCount(), 50);
    assert.equal(batcher.pendingCount, 0);
  });

  test('resolves a write only after its transaction has committed', async () => {
    const batcher = createWriteBatcher(db);
    const rowId = await batcher.run(insertItem(7));
    assert.equal(rowId, 1);
    assert.equal(committedCount(), 1);
  });

  test('a write that throws rejects only its own promise, its changes are rolled back, the others commit', async () => {
    const batcher = createWriteBatcher(db);
    const failure = new Error('refused on purpose');
    const results = await Promise.allSettled([
      batcher.run(insertItem(1)),
      batcher.run(() => {
        insertItem(2)();
        throw failure;
      }),
      batcher.run(insertItem(3)),
    ]);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(results[1]?.status === 'rejected' ? results[1].reason : undefined, failure);
    const committed = observer.prepare<[], { n: number }>('SELECT n FROM items ORDER BY n').all();
    assert.deepEqual(committed.map((row) => row.n), [1, 3]);
  });

  test('splits more writes than maxBatchSize over several transactions, committing all of them in order', async () => {
    const batcher = createWriteBatcher(db, { maxBatchSize: 3 });
    const committedBeforeEach: number[] = [];
    const writes = Array.from({ length: 7 }, (_, n) =>
      batcher.run(() => {
        committedBeforeEach.push(committedCount());
        insertItem(n)();
      }),
    );
    await Promise.all(writes);
    // Batches of 3, 3 and 1: each batch sees only the batches committed before it.
    assert.deepEqual(committedBeforeEach, [0, 0, 0, 3, 3, 3, 6]);
    assert.equal(committedCount(), 7);
  });

  test('drain resolves after everything queued so far has committed', async () => {
    const batcher = createWriteBatcher(db);
    void batcher.run(insertItem(1));
    void batcher.run(insertItem(2));
    void batcher.run(insertItem(3));
    assert.equal(committedCount(), 0);
    await batcher.drain();
    assert.equal(committedCount(), 3);
    assert.equal(batcher.pendingCount, 0);
  });

  test('drain resolves at once when nothing is pending', async () => {
    const batcher = createWriteBatcher(db);
    await batcher.drain();
    assert.equal(committedCount(), 0);
  });

  test('rejects every write of a batch with ERR_STORE_FAILED when the transaction cannot start', async () => {
    const batcher = createWriteBatcher(db);
    const blocker = new Database(join(dataDir.path, 'batch.db'), { timeout: 0 });
    blocker.exec('BEGIN IMMEDIATE');
    db.pragma('busy_timeout = 0');
    try {
      const results = await Promise.allSettled([batcher.run(insertItem(1)), batcher.run(insertItem(2))]);
      assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
      for (const result of results) {
        assert.ok(result.status === 'rejected' && isOpenTpsError(result.reason, 'ERR_STORE_FAILED'));
      }
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    assert.equal(committedCount(), 0);
  });

  test('a held gate keeps the next batch queued, still accepting writes, until it opens; each commit is reported to it', async () => {
    let open: () => void = () => undefined;
    let commits = 0;
    let heldUntil: Promise<void> | null = new Promise<void>((resolve) => {
      open = () => {
        heldUntil = null;
        resolve();
      };
    });
    const gate: WriteGate = {
      get heldUntil() {
        return heldUntil;
      },
      noteCommitted: () => commits++,
    };
    const batcher = createWriteBatcher(db, { gate });
    const first = [batcher.run(insertItem(1)), batcher.run(insertItem(2))];
    // The turn at whose end the batch would have committed, and the next one.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const later = batcher.run(insertItem(3));
    assert.equal(committedCount(), 0, 'nothing commits while the gate is held');
    assert.equal(batcher.pendingCount, 3, 'the writes wait in the queue, where the overload check counts them');
    open();
    assert.deepEqual(await Promise.all([...first, later]), [1, 2, 3]);
    assert.equal(committedCount(), 3);
    assert.equal(commits, 1, 'the queued writes went in one batch, reported once');
  });

  test('onBatchSettled hears of each batch, with its size, before its writers are answered', async () => {
    const settled: number[] = [];
    let settledWhenAnswered = -1;
    const batcher = createWriteBatcher(db, {
      maxBatchSize: 3,
      onBatchSettled: (writes, durationMs) => {
        assert.ok(durationMs >= 0);
        settled.push(writes);
      },
    });
    const writes = Array.from({ length: 5 }, (_, n) => batcher.run(insertItem(n)));
    await writes[0]?.then(() => (settledWhenAnswered = settled.length));
    await Promise.all(writes);
    assert.deepEqual(settled, [3, 2]);
    assert.equal(settledWhenAnswered, 1);
  });
});
