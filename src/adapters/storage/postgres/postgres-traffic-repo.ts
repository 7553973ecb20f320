// The traffic recorder's ring buffers in the PostgreSQL store: the last N requests per device, and the
// last N from unknown senders together (bucket ''), so a flood of junk cannot grow the store.

import type { TrafficEntry, TrafficStore } from '../../../domain/traffic-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { TRAFFIC_COLUMNS, UNKNOWN_TRAFFIC_BUCKET as UNKNOWN_BUCKET, toStoredEntry, type TrafficRow } from '../stored-rows/traffic-row.js';

/**
 * Prune a bucket every this many inserts by this node: bounded to keep + PRUNE_EVERY rows per node
 * writing to it, at 1/PRUNE_EVERY of the cost. Counting per node needs no shared state.
 */
const PRUNE_EVERY = 16;

export function createPostgresTrafficRepo(db: PostgresDatabase): TrafficStore {
  const insertsSincePrune = new Map<string, number>();

  return {
    async recordTraffic(entry: TrafficEntry, keepPerBucket: number) {
      const bucket = entry.deviceId ?? UNKNOWN_BUCKET;
      await db.transaction(async (tx) => {
        // Traffic is diagnostics: its commit does not wait for the WAL flush. A crash may lose the last
        // recorded requests (as the embedded store's traffic file may), never an OKM or a message.
        await tx.query('SET LOCAL synchronous_commit TO off');
        await tx.query(
          `INSERT INTO traffic (bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
             response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
          [
            bucket, entry.claimedDeviceId, entry.receivedAtMs, entry.remoteAddress, entry.method, entry.url,
            JSON.stringify(entry.headers), entry.body, entry.status, entry.response, entry.durationMs,
            entry.signatureVerdict, entry.crcVerdict, entry.errorCode, entry.clientCertSubject, entry.clientCertSerial,
          ],
        );
        const count = (insertsSincePrune.get(bucket) ?? 0) + 1;
        if (count < PRUNE_EVERY) {
          insertsSincePrune.set(bucket, count);
          return;
        }
        insertsSincePrune.delete(bucket);
        await tx.query(
          'DELETE FROM traffic WHERE bucket = $1 AND id <= (SELECT id FROM traffic WHERE bucket = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)',
          [bucket, keepPerBucket],
        );
      });
    },
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
