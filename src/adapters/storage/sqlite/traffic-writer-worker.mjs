// Writes the traffic recorder's entries to traffic.db on a worker thread (see traffic-writer.ts): at fleet
// scale every device request is one entry (~1.5 KB, an insert into a random place of the per-device index,
// and every 16th a prune), and doing that on the event loop cost ~8 % of the server's main thread
// (profile of 30,000 virtual CWMs). This thread owns the only connection that writes traffic.db; its
// checkpoints run here too, after its own commits (wal_autocheckpoint), so the WAL stays bounded without
// holding any request.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Prune a bucket every this many inserts: bounded to keep + PRUNE_EVERY rows, at 1/PRUNE_EVERY of the cost. */
const PRUNE_EVERY = 16;

const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
// Traffic is diagnostics: a power cut may lose the last entries, never an OKM or a message (no fsync).
// Checkpoint every 4 MB of WAL after a commit, and trim the file back past 64 MB.
db.pragma('wal_autocheckpoint = 1000');
db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);

const insert = db.prepare(
  `INSERT INTO traffic (bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
     response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const prune = db.prepare(
  'DELETE FROM traffic WHERE bucket = @bucket AND id <= (SELECT id FROM traffic WHERE bucket = @bucket ORDER BY id DESC LIMIT 1 OFFSET @keep)',
);
const insertsSincePrune = new Map();

/** One batch: rows of insert parameters (the bucket first) and how many entries each bucket keeps. */
const writeBatch = db.transaction((rows, keep) => {
  for (const row of rows) {
    insert.run(...row);
    const bucket = row[0];
    const count = (insertsSincePrune.get(bucket) ?? 0) + 1;
    if (count >= PRUNE_EVERY) {
      prune.run({ bucket, keep });
      insertsSincePrune.delete(bucket);
    } else {
      insertsSincePrune.set(bucket, count);
    }
  }
});

parentPort?.on('message', (message) => {
  if (message?.type === 'write') {
    try {
      writeBatch.immediate(message.rows, message.keep);
      parentPort?.postMessage({ type: 'written', id: message.id });
    } catch (error) {
      parentPort?.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
  } else if (message === 'close') {
    db.close();
    parentPort?.postMessage({ type: 'closed' });
  }
});
