// The traffic recorder's ring buffers in the embedded store: the last N requests per device, and
// the last N from unknown senders together (bucket ''), so a flood of junk cannot grow the store.

import type { Database } from 'better-sqlite3';
import type { StoredTrafficEntry, TrafficEntry, TrafficStore } from '../../../domain/traffic-store.js';
import type { WriteBatcher } from './write-batcher.js';

const UNKNOWN_BUCKET = '';
/** Prune a bucket every this many inserts: bounded to keep + PRUNE_EVERY rows, at 1/PRUNE_EVERY of the cost. */
const PRUNE_EVERY = 16;

interface TrafficRow {
  id: number;
  bucket: string;
  claimed_device_id: string | null;
  received_at: number;
  remote_address: string | null;
  method: string;
  url: string;
  headers: string;
  body: string;
  status: number;
  response: string;
  duration_ms: number;
  signature_verdict: string | null;
  crc_verdict: string | null;
  error_code: string | null;
}

function toStoredEntry(row: TrafficRow): StoredTrafficEntry {
  const headers: unknown = JSON.parse(row.headers);
  return {
    id: row.id,
    deviceId: row.bucket === UNKNOWN_BUCKET ? null : row.bucket,
    claimedDeviceId: row.claimed_device_id,
    receivedAtMs: row.received_at,
    remoteAddress: row.remote_address,
    method: row.method,
    url: row.url,
    headers: typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : {},
    body: row.body,
    status: row.status,
    response: row.response,
    durationMs: row.duration_ms,
    signatureVerdict: row.signature_verdict,
    crcVerdict: row.crc_verdict,
    errorCode: row.error_code,
  };
}

export function createSqliteTrafficRepo(db: Database, batcher: WriteBatcher): TrafficStore {
  const insert = db.prepare(
    `INSERT INTO traffic (bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status,
       response, duration_ms, signature_verdict, crc_verdict, error_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const prune = db.prepare(
    `DELETE FROM traffic WHERE bucket = @bucket AND id <= (SELECT id FROM traffic WHERE bucket = @bucket ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
  );
  const selectBucket = db.prepare<[string, number], TrafficRow>('SELECT * FROM traffic WHERE bucket = ? ORDER BY id DESC LIMIT ?');
  const selectAll = db.prepare<[number], TrafficRow>('SELECT * FROM traffic ORDER BY id DESC LIMIT ?');
  const insertsSincePrune = new Map<string, number>();

  return {
    recordTraffic(entry: TrafficEntry, keepPerBucket: number) {
      return batcher.run(() => {
        const bucket = entry.deviceId ?? UNKNOWN_BUCKET;
        insert.run(
          bucket, entry.claimedDeviceId, entry.receivedAtMs, entry.remoteAddress, entry.method, entry.url,
          JSON.stringify(entry.headers), entry.body, entry.status, entry.response, entry.durationMs,
          entry.signatureVerdict, entry.crcVerdict, entry.errorCode,
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
