// Runs SQLite WAL checkpoints on a worker thread (see wal-checkpointer.ts): copying WAL pages into the
// database and fsync'ing it can take tens of milliseconds, which must not stall the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
// PASSIVE never waits for readers or writers: it copies what it can and leaves the rest for next time.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let isClosing = false;

function runOnce() {
  try {
    const result = checkpoint.get();
    parentPort?.postMessage({ type: 'checkpointed', result });
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(() => {
  if (!isClosing) runOnce();
}, workerData.intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'close') {
    isClosing = true;
    clearInterval(timer);
    runOnce();
    db.close();
    parentPort?.postMessage({ type: 'closed' });
  }
});
