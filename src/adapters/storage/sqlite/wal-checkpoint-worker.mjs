// Runs SQLite WAL checkpoints on a worker thread (see wal-checkpointer.ts): copying WAL pages into the
// database and fsync'ing it can take tens of milliseconds, which must not stall the event loop.
// A PASSIVE checkpoint every interval on its own; PASSIVE or RESTART ones when asked (see wal-bound.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
const statements = {
  // PASSIVE never waits for readers or writers: it copies what it can and leaves the rest for next time.
  PASSIVE: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
  // RESTART takes the write lock, copies every frame and waits for readers to leave the WAL: the next
  // commit writes the WAL again from its first byte. (TRUNCATE would also empty the file: freeing 128 MB
  // of blocks took 44 ms here, with the writers waiting; journal_size_limit trims only the overshoot.)
  RESTART: db.prepare('PRAGMA wal_checkpoint(RESTART)'),
};
let isClosing = false;

/** `busyTimeoutMs`: how long this checkpoint may wait, in all, for each lock it needs. */
function runOnce(mode, id, busyTimeoutMs) {
  const started = performance.now();
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const row = statements[mode].get();
    parentPort?.postMessage({ type: 'checkpointed', id, mode, busy: row.busy, log: row.log, checkpointed: row.checkpointed, ms: performance.now() - started });
  } catch (error) {
    parentPort?.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(() => {
  if (!isClosing) runOnce('PASSIVE', null, workerData.busyTimeoutMs);
}, workerData.intervalMs);

parentPort?.on('message', (message) => {
  if (message?.type === 'checkpoint' && !isClosing) {
    runOnce(message.mode, message.id, message.busyTimeoutMs);
  } else if (message === 'close') {
    isClosing = true;
    clearInterval(timer);
    runOnce('PASSIVE', null, workerData.busyTimeoutMs);
    db.close();
    parentPort?.postMessage({ type: 'closed' });
  }
});
