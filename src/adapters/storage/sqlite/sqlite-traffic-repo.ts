// The traffic recorder's ring buffers in the embedded store: the last N requests per device, and
// the last N from unknown senders together (bucket ''), so a flood of junk cannot grow the store.

import type { Database } from 'better-sqlite3';
import type { TrafficEntry, TrafficStore } from '../../../domain/traffic-store.js';
import type { WriteBatcher } from './write-batcher.js';
import { TRAFFIC_COLUMNS, UNKNOWN_TRAFFIC_BUCKET as UNKNOWN_BUCKET, toStoredEntry, type TrafficRow } from '../stored-rows/traffic-row.js';

/** Prune a bucket every this many inserts: bounded to keep + PRUNE_EVERY rows, at 1/PRUNE_EVERY of the cost. */
const PRUNE_EVERY = 16;

export function createSqliteTrafficRepo(db: Database, batcher: WriteBatcher): TrafficStore {
  const insert = db.prepare(
    `INSERT INTO traffic (bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
       response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const prune = db.prepare(
    `DELETE FROM traffic WHERE bucket = @bucket AND id <= (SELECT id FROM traffic WHERE bucket = @bucket ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
  );
  const selectBucket = db.prepare<[string, number], TrafficRow>(`SELECT ${TRAFFIC_COLUMNS} FROM traffic WHERE bucket = ? ORDER BY id DESC LIMIT ?`);
  const selectAll = db.prepare<[number], TrafficRow>(`SELECT ${TRAFFIC_COLUMNS} FROM traffic ORDER BY id DESC LIMIT ?`);
  const insertsSincePrune = new Map<string, number>();

  return {
    recordTraffic(entry: TrafficEntry, keepPerBucket: number) {
      return batcher.run(() => {
        const bucket = entry.deviceId ?? UNKNOWN_BUCKET;
        insert.run(
          bucket, entry.claimedDeviceId, entry.receivedAtMs, entry.remoteAddress, entry.method, entry.url,
          JSON.stringify(entry.headers), entry.body, entry.status, entry.response, entry.durationMs,
          entry.signatureVerdict, entry.crcVerdict, entry.errorCode, entry.clientCertSubject, entry.clientCertSerial,
        );
        const count = (insertsSincePrune.get(bucket) ?? 0) + 1;
        if (count >= PRUNE_EVERY) {
          prune.run({ bucket, keep: keepPerBucket });
          insertsSincePrune.delete(bucket);
        } else {
          insertsSincePrune.set(bucket, count);
        }
      });
    },
    async listTraffic(query) {
      const rows =
        query.deviceId === undefined
          ? selectAll.all(query.limit)
          : selectBucket.all(query.deviceId ?? UNKNOWN_BUCKET, query.limit);
      return rows.reverse().map(toStoredEntry);
    },
  };
}
