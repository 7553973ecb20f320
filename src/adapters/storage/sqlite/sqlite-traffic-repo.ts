// The traffic recorder's ring buffers in the embedded store: the last N requests per device, and
// the last N from unknown senders together (bucket ''), so a flood of junk cannot grow the store.
// Written on a worker thread (traffic-writer.ts); read here.

import type { Database } from 'better-sqlite3';
import type { TrafficEntry, TrafficStore } from '../../../domain/traffic-store.js';
import type { TrafficWriter } from './traffic-writer.js';
import { TRAFFIC_COLUMNS, UNKNOWN_TRAFFIC_BUCKET as UNKNOWN_BUCKET, toStoredEntry, type TrafficRow } from '../stored-rows/traffic-row.js';

export function createSqliteTrafficRepo(db: Database, writer: TrafficWriter): TrafficStore {
  const selectBucket = db.prepare<[string, number], TrafficRow>(`SELECT ${TRAFFIC_COLUMNS} FROM traffic WHERE bucket = ? ORDER BY id DESC LIMIT ?`);
  const selectAll = db.prepare<[number], TrafficRow>(`SELECT ${TRAFFIC_COLUMNS} FROM traffic ORDER BY id DESC LIMIT ?`);

  return {
    recordTraffic(entry: TrafficEntry, keepPerBucket: number) {
      return writer.write(entry, keepPerBucket);
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
