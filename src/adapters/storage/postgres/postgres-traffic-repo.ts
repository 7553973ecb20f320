// The traffic recorder's ring buffers in the PostgreSQL store: the last N requests per device, and the
// last N from unknown senders together (bucket ''), so a flood of junk cannot grow the store.

import type { TrafficEntry, TrafficStore } from '../../../domain/traffic-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { createGroupCommitQueue } from './group-commit-queue.js';
import type { BatchObserver } from '../commit-observer.js';
import { TRAFFIC_COLUMNS, UNKNOWN_TRAFFIC_BUCKET as UNKNOWN_BUCKET, toStoredEntry, type TrafficRow } from '../stored-rows/traffic-row.js';

/**
 * Prune a bucket every this many inserts by this node: bounded to keep + PRUNE_EVERY rows per node
 * writing to it, at 1/PRUNE_EVERY of the cost. Counting per node needs no shared state.
 */
const PRUNE_EVERY = 16;

const INSERT_TRAFFIC = `
  INSERT INTO traffic (bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
    response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial)
  SELECT bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
    response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::integer[],
              $10::text[], $11::float8[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[]) WITH ORDINALITY
    AS v(bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
         response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial, ord)
  ORDER BY ord`;

const PRUNE_BUCKET =
  'DELETE FROM traffic WHERE bucket = $1 AND id <= (SELECT id FROM traffic WHERE bucket = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)';

/** PostgreSQL text cannot hold NUL, which a request may carry: it is recorded as U+FFFD instead. */
function pgText<T extends string | null>(value: T): T {
  return (value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value) as T;
}

interface TrafficWrite {
  readonly bucket: string;
  readonly entry: TrafficEntry;
  readonly keepPerBucket: number;
}

/** Traffic entries written at once at most; one batch at a time per node (they are diagnostics). */
const MAX_TRAFFIC_BATCH = 500;

export interface PostgresTrafficRepo extends TrafficStore {
  /** Resolves when every entry handed in has been written or failed. */
  drained(): Promise<void>;
}

/** `onBatchSettled`: told of each batch of entries written. */
export function createPostgresTrafficRepo(db: PostgresDatabase, onBatchSettled?: BatchObserver): PostgresTrafficRepo {
  const insertsSincePrune = new Map<string, number>();

  /** The buckets this batch brings to PRUNE_EVERY inserts by this node, with how many rows each keeps. */
  function bucketsToPrune(writes: readonly TrafficWrite[]): Map<string, number> {
    const due = new Map<string, number>();
    for (const write of writes) {
      const count = (insertsSincePrune.get(write.bucket) ?? 0) + 1;
      if (count < PRUNE_EVERY) {
        insertsSincePrune.set(write.bucket, count);
      } else {
        insertsSincePrune.delete(write.bucket);
        due.set(write.bucket, write.keepPerBucket);
      }
    }
    return due;
  }

  // Many requests' entries in one multi-row insert and one commit, which does not wait for the WAL flush:
  // traffic is diagnostics, and a crash may lose the last recorded requests (as the embedded store's
  // traffic file may), never an OKM or a message.
  const writes = createGroupCommitQueue<TrafficWrite, void>({
    maxBatchSize: MAX_TRAFFIC_BATCH,
    maxConcurrentBatches: 1,
    onBatchSettled,
    async runBatch(batch) {
      const due = bucketsToPrune(batch);
      const entries = batch.map((write) => write.entry);
      await db.transaction(async (tx) => {
        await tx.query('SET LOCAL synchronous_commit TO off');
        await tx.query(INSERT_TRAFFIC, [
          batch.map((write) => pgText(write.bucket)), entries.map((e) => pgText(e.claimedDeviceId)), entries.map((e) => e.receivedAtMs),
          entries.map((e) => pgText(e.remoteAddress)), entries.map((e) => pgText(e.method)), entries.map((e) => pgText(e.url)),
          entries.map((e) => JSON.stringify(e.headers)), entries.map((e) => pgText(e.body)), entries.map((e) => e.status),
          entries.map((e) => pgText(e.response)), entries.map((e) => e.durationMs), entries.map((e) => e.signatureVerdict),
          entries.map((e) => e.crcVerdict), entries.map((e) => e.errorCode),
          entries.map((e) => pgText(e.clientCertSubject)), entries.map((e) => pgText(e.clientCertSerial)),
        ]);
        for (const [bucket, keep] of due) await tx.query(PRUNE_BUCKET, [bucket, keep]);
      });
      return batch.map(() => ({ ok: true, value: undefined }));
    },
  });

  return {
    recordTraffic(entry: TrafficEntry, keepPerBucket: number) {
      return writes.run({ bucket: entry.deviceId ?? UNKNOWN_BUCKET, entry, keepPerBucket });
    },
    drained: () => writes.drained(),
    async listTraffic(query) {
      const { rows } =
        query.deviceId === undefined
          ? await db.read.query<TrafficRow>(`SELECT ${TRAFFIC_COLUMNS} FROM traffic ORDER BY id DESC LIMIT $1`, [query.limit])
          : await db.read.query<TrafficRow>(
              `SELECT ${TRAFFIC_COLUMNS} FROM traffic WHERE bucket = $1 ORDER BY id DESC LIMIT $2`,
              [query.deviceId ?? UNKNOWN_BUCKET, query.limit],
            );
      return rows.reverse().map(toStoredEntry);
    },
  };
}
