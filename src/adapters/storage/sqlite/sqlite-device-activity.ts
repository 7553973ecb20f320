// Writes a batch of gathered device activity (domain/device-activity.ts) to the embedded store: one
// transaction, devices in the batch's key order (neighbours share B-tree pages), each row updated once.

import type { Database } from 'better-sqlite3';
import type { DeviceActivityBatch } from '../../../domain/device-activity.js';
import { INTERVAL_AVERAGE_PARAMS } from '../../../domain/heartbeat-interval.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import { averagedIntervalSql, type IntervalSqlSpelling } from '../rule-sql/typical-interval-sql.js';
import type { WriteBatcher } from './write-batcher.js';

const SQLITE_INTERVAL_SPELLING: IntervalSqlSpelling = {
  clamp: (value, low, high) => `min(max(${value}, ${low}), ${high})`,
  truncate: (value) => `CAST(${value} AS INTEGER)`,
  param: (name) => `@${name}`,
};

export type WriteDeviceActivity = (batch: DeviceActivityBatch) => Promise<void>;

export function createSqliteDeviceActivityWriter(db: Database, batcher: WriteBatcher): WriteDeviceActivity {
  // last_seen_at only moves forward: a /pull taken meanwhile (sqlite-device-repo.ts) writes it directly.
  const updateCwm = db.prepare(
    `UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), @seen),
       last_remote_address = coalesce(@address, last_remote_address),
       okm_count = okm_count + @okms, crc_failure_count = crc_failure_count + @crcFailures WHERE id = @id`,
  );
  // The CWM's usual heartbeat interval: the moving average of domain/heartbeat-interval.ts, its numbers bound.
  const updateInterval = db.prepare(
    `UPDATE devices SET
       typical_interval_ms = CASE WHEN last_cwm_heartbeat_at IS NULL THEN typical_interval_ms
         ELSE ${averagedIntervalSql(SQLITE_INTERVAL_SPELLING, '@at')} END,
       last_cwm_heartbeat_at = @at
     WHERE id = @id`,
  );
  const selectStored = db.prepare<[string], { cwm_id: string; latest_fields: string }>('SELECT cwm_id, latest_fields FROM device_state WHERE device_id = ?');
  // Two spellings of one upsert: SQLite rewrites the entries of every index on a column named in SET (here
  // device_state_by_cwm_id and device_state_by_model, whose generated model_id reads cwm_id) even when its
  // value stays the same. Naming cwm_id only when it changes (the row read above says) keeps the usual push
  // from touching them: measured 42 against 28 µs per upsert with the issue 15 indexes, 60,000 rows.
  const upsertSpelling = (setCwm: string) => db.prepare(
    `INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, last_okm, last_heartbeat, last_heartbeat_at, latest_fields)
     VALUES (@deviceId, @cwmId, @firstSeen, @lastSeen, @okm, @heartbeat, @heartbeatAt, @fields)
     ON CONFLICT (device_id) DO UPDATE SET ${setCwm}last_seen_at = max(last_seen_at, excluded.last_seen_at),
       last_okm = max(coalesce(last_okm, 0), excluded.last_okm),
       last_heartbeat = coalesce(excluded.last_heartbeat, last_heartbeat),
       last_heartbeat_at = coalesce(excluded.last_heartbeat_at, last_heartbeat_at),
       latest_fields = excluded.latest_fields`,
  );
  const upsertState = upsertSpelling('cwm_id = excluded.cwm_id, ');
  const upsertStateSameCwm = upsertSpelling('');

  return (batch) =>
    batcher.run(() => {
      for (const cwm of batch.cwms.values()) {
        updateCwm.run({ id: cwm.cwmId, seen: cwm.lastSeenAtMs, address: cwm.remoteAddress, okms: cwm.okmCount, crcFailures: cwm.crcFailureCount });
        for (const at of cwm.heartbeatAtMs) updateInterval.run({ id: cwm.cwmId, at, ...INTERVAL_AVERAGE_PARAMS });
      }
      for (const origin of batch.origins.values()) {
        const row = selectStored.get(origin.deviceId);
        const stored = readJsonObject(row?.latest_fields ?? null) ?? {};
        (row?.cwm_id === origin.cwmId ? upsertStateSameCwm : upsertState).run({
          deviceId: origin.deviceId,
          cwmId: origin.cwmId,
          firstSeen: origin.firstSeenAtMs,
          lastSeen: origin.lastSeenAtMs,
          okm: origin.lastOkmRowId,
          heartbeat: origin.lastHeartbeat === null ? null : JSON.stringify(origin.lastHeartbeat),
          heartbeatAt: origin.lastHeartbeatAtMs,
          fields: JSON.stringify({ ...stored, ...origin.fieldsPatch }),
        });
      }
    });
}
