// Upstream OKMs in the embedded store: one idempotent insert per push, with the device state and
// answer matching it implies, in the same transaction.

import type { Database } from 'better-sqlite3';
import type { PushOutcome, PushRecord, TelemetryStore } from '../../../domain/telemetry-store.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import type { WriteBatcher } from './write-batcher.js';
import { OKM_COLUMNS, toStoredOkm, type OkmRow } from '../stored-rows/okm-row.js';

export function createSqliteTelemetryRepo(
  db: Database,
  batcher: WriteBatcher,
  hasPendingNow: (cwmId: string, nowMs: number) => boolean,
): TelemetryStore {
  const insertOkm = db.prepare(
    `INSERT INTO okms (cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
       crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const selectDuplicate = db.prepare<[string, string, string], { id: number }>(
    'SELECT id FROM okms WHERE cwm_id = ? AND origin_id = ? AND dedup_key = ?',
  );
  const updateCwm = db.prepare(
    `UPDATE devices SET last_seen_at = ?, last_remote_address = coalesce(?, last_remote_address),
       okm_count = okm_count + ?, crc_failure_count = crc_failure_count + ? WHERE id = ?`,
  );
  // The CWM's usual heartbeat interval, as a moving average (weight 1/5) of the gaps between its own
  // heartbeats, each clamped to 1 s .. 1 h: what "offline" is measured against.
  const updateInterval = db.prepare(
    `UPDATE devices SET
       typical_interval_ms = CASE WHEN last_cwm_heartbeat_at IS NULL THEN typical_interval_ms
         ELSE CAST(coalesce(0.8 * typical_interval_ms, 0) + (CASE WHEN typical_interval_ms IS NULL THEN 1.0 ELSE 0.2 END)
              * min(max(@at - last_cwm_heartbeat_at, 1000), 3600000) AS INTEGER) END,
       last_cwm_heartbeat_at = @at
     WHERE id = @id`,
  );
  const selectLatestFields = db.prepare<[string], { latest_fields: string }>(
    'SELECT latest_fields FROM device_state WHERE device_id = ?',
  );
  const upsertState = db.prepare(
    `INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, last_okm, last_heartbeat, last_heartbeat_at, latest_fields)
     VALUES (@deviceId, @cwmId, @at, @at, @okm, @heartbeat, @heartbeatAt, @fields)
     ON CONFLICT (device_id) DO UPDATE SET cwm_id = excluded.cwm_id, last_seen_at = excluded.last_seen_at,
       last_okm = excluded.last_okm,
       last_heartbeat = coalesce(excluded.last_heartbeat, last_heartbeat),
       last_heartbeat_at = coalesce(excluded.last_heartbeat_at, last_heartbeat_at),
       latest_fields = excluded.latest_fields`,
  );
  const answerMessage = db.prepare<[{ at: number; result: string; okm: number; cwmId: string; okmId: number; targetId: string }], { id: number }>(
    // A message still `queued` but already handed to a /pull response (delivery_count > 0) counts too: the
    // device can answer before the server has seen that response's 'finish', and an answer proves delivery.
    `UPDATE messages SET state = 'answered', answered_at = @at, result = @result, answer_okm = @okm, ended_at = @at,
       lease_until = NULL, delivered_at = coalesce(delivered_at, @at)
     WHERE id = (SELECT id FROM messages WHERE cwm_id = @cwmId AND okm_id = @okmId AND target_id = @targetId
                   AND (state = 'delivered' OR (state = 'queued' AND delivery_count > 0))
                 ORDER BY id DESC LIMIT 1)
     RETURNING id`,
  );
  const linkAnswer = db.prepare('UPDATE okms SET answers_message = ? WHERE id = ?');
  const selectByCwm = db.prepare<[string, number], OkmRow>(
    `SELECT ${OKM_COLUMNS} FROM okms WHERE cwm_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const selectByOrigin = db.prepare<[string, number], OkmRow>(
    `SELECT ${OKM_COLUMNS} FROM okms WHERE origin_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const selectByCwmAndOrigin = db.prepare<[string, string, number], OkmRow>(
    `SELECT ${OKM_COLUMNS} FROM okms WHERE cwm_id = ? AND origin_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const selectAll = db.prepare<[number], OkmRow>(
    `SELECT ${OKM_COLUMNS} FROM okms ORDER BY id DESC LIMIT ?`,
  );
  const selectSeries = db.prepare<{ origin: string; path: string; from: number; to: number; bucket: number }, { b: number; lo: number; hi: number; mean: number; n: number }>(
    // better-sqlite3 binds JS numbers as REAL: CAST keeps the bucket number whole.
    `SELECT CAST((received_at - @from) / @bucket AS INTEGER) AS b, min(v) AS lo, max(v) AS hi, avg(v) AS mean, count(v) AS n
     FROM (SELECT received_at, json_extract(payload, @path) AS v FROM okms
           WHERE origin_id = @origin AND received_at >= @from AND received_at < @to)
     WHERE typeof(v) IN ('integer', 'real') GROUP BY b ORDER BY b`,
  );
  const selectPerMinute = db.prepare<[number, number], { m: number; n: number }>(
    'SELECT received_at / 60000 AS m, count(*) AS n FROM okms WHERE received_at >= ? AND received_at < ? GROUP BY m ORDER BY m',
  );
  const selectRange = db.prepare<[string, number, number, number], OkmRow>(
    `SELECT ${OKM_COLUMNS} FROM okms
     WHERE cwm_id = ? AND received_at >= ? AND received_at < ? ORDER BY id LIMIT ?`,
  );
  const countByCwm = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM okms WHERE cwm_id = ?');

  function applyPush(record: PushRecord): PushOutcome {
    const payloadJson = record.payload === null ? null : JSON.stringify(record.payload);
    const inserted = insertOkm.run(
      record.cwmId, record.originId, record.cmd, record.okmId, record.ts, record.tsEpochMs, record.isTsLocal ? 1 : 0,
      record.receivedAtMs, record.crcVerdict, record.crcReceived, record.crcExpected, record.auth, record.rawOkm,
      payloadJson, JSON.stringify(record.envelope), record.remoteAddress, record.dedupKey,
    );
    if (inserted.changes === 0 && record.dedupKey !== null) {
      // A re-sent OKM: acknowledge again, store nothing new, but the device was seen.
      updateCwm.run(record.receivedAtMs, record.remoteAddress, 0, 0, record.cwmId);
      const existing = selectDuplicate.get(record.cwmId, record.originId, record.dedupKey);
      return {
        storedOkmId: existing?.id ?? 0,
        isDuplicate: true,
        answeredMessageId: null,
        isPullPending: hasPendingNow(record.cwmId, record.receivedAtMs),
      };
    }
    const okmRowId = Number(inserted.lastInsertRowid);
    updateCwm.run(record.receivedAtMs, record.remoteAddress, 1, record.crcVerdict === 'valid' ? 0 : 1, record.cwmId);
    if (record.heartbeat !== null && record.originId === record.cwmId) updateInterval.run({ at: record.receivedAtMs, id: record.cwmId });
    const previousFields = readJsonObject(selectLatestFields.get(record.originId)?.latest_fields ?? null) ?? {};
    upsertState.run({
      deviceId: record.originId,
      cwmId: record.cwmId,
      at: record.receivedAtMs,
      okm: okmRowId,
      heartbeat: record.heartbeat === null ? null : JSON.stringify(record.heartbeat),
      heartbeatAt: record.heartbeat === null ? null : record.receivedAtMs,
      fields: JSON.stringify(record.heartbeat === null ? previousFields : { ...previousFields, ...record.heartbeat }),
    });
    let answeredMessageId: number | null = null;
    if (record.answerCandidate !== null) {
      const answered = answerMessage.get({
        at: record.receivedAtMs,
        result: payloadJson ?? '{}',
        okm: okmRowId,
        cwmId: record.cwmId,
        okmId: record.answerCandidate.okmId,
        targetId: record.originId,
      });
      if (answered) {
        answeredMessageId = answered.id;
        linkAnswer.run(answered.id, okmRowId);
      }
    }
    return {
      storedOkmId: okmRowId,
      isDuplicate: false,
      answeredMessageId,
      isPullPending: hasPendingNow(record.cwmId, record.receivedAtMs),
    };
  }

  return {
    recordPush(record) {
      return batcher.run(() => applyPush(record));
    },
    async listOkms(query) {
      const rows =
        query.originId !== undefined && query.cwmId !== undefined
          ? selectByCwmAndOrigin.all(query.cwmId, query.originId, query.limit)
          : query.originId !== undefined
          ? selectByOrigin.all(query.originId, query.limit)
          : query.cwmId !== undefined
            ? selectByCwm.all(query.cwmId, query.limit)
            : selectAll.all(query.limit);
      return rows.reverse().map(toStoredOkm);
    },
    async querySeries(query) {
      return selectSeries
        .all({ origin: query.originId, path: `$._hbt.${query.field}`, from: query.fromMs, to: query.toMs, bucket: query.bucketMs })
        .map((row) => ({ bucketStartMs: query.fromMs + row.b * query.bucketMs, min: row.lo, max: row.hi, avg: row.mean, count: row.n }));
    },
    async countOkmsPerMinute(fromMs, toMs) {
      return selectPerMinute.all(fromMs, toMs).map((row) => [row.m * 60_000, row.n] as [number, number]);
    },
    async listOkmsInRange(cwmId, fromMs, toMs, limit) {
      return selectRange.all(cwmId, fromMs, toMs, limit).map(toStoredOkm);
    },
    async countOkms(cwmId) {
      return countByCwm.get(cwmId)?.n ?? 0;
    },
  };
}
