// Upstream OKMs in the PostgreSQL store: one idempotent insert per push (the dedup UNIQUE constraint
// decides, never a read first), with the device state and answer matching it implies, in one transaction.

import type { OkmQuery, PushOutcome, PushRecord, TelemetryStore } from '../../../domain/telemetry-store.js';
import type { PostgresDatabase, SqlRunner, SqlValue } from './postgres-database.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import { selectHasPending } from './postgres-message-repo.js';
import { OKM_COLUMNS, toStoredOkm, type OkmRow } from '../stored-rows/okm-row.js';
import { ANSWER_MESSAGE, applyPushBatch } from './postgres-push-batch.js';
import { createGroupCommitQueue } from './group-commit-queue.js';
import type { BatchOutcome } from './batch-outcome.js';

/**
 * Counts the OKM on its CWM. This UPDATE also takes the CWM's device row lock first in the transaction,
 * in the order message-repo relies on. The typical interval is a moving average (weight 1/5) of the gaps
 * between the CWM's own heartbeats, each clamped to 1 s .. 1 h, computed in float8 and truncated as the
 * embedded store does.
 */
const COUNT_ON_CWM = `
  UPDATE devices SET
    last_seen_at = $2,
    last_remote_address = coalesce($3, last_remote_address),
    okm_count = okm_count + $4,
    crc_failure_count = crc_failure_count + $5,
    typical_interval_ms = CASE WHEN NOT $6 OR last_cwm_heartbeat_at IS NULL THEN typical_interval_ms
      ELSE trunc(coalesce(0.8::float8 * typical_interval_ms, 0)
                 + (CASE WHEN typical_interval_ms IS NULL THEN 1.0::float8 ELSE 0.2::float8 END)
                   * least(greatest($2 - last_cwm_heartbeat_at, 1000), 3600000))::bigint END,
    last_cwm_heartbeat_at = CASE WHEN $6 THEN $2 ELSE last_cwm_heartbeat_at END
  WHERE id = $1`;

/** One push alone in its transaction: the path a batch falls back to when it fails as a whole. */
async function applyPush(tx: SqlRunner, record: PushRecord): Promise<PushOutcome> {
  const payloadJson = record.payload === null ? null : JSON.stringify(record.payload);
  const inserted = await tx.query<{ id: number }>(
    `INSERT INTO okms (cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
       crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT ON CONSTRAINT okms_dedup DO NOTHING
     RETURNING id`,
    [
      record.cwmId, record.originId, record.cmd, record.okmId, record.ts, record.tsEpochMs, record.isTsLocal,
      record.receivedAtMs, record.crcVerdict, record.crcReceived, record.crcExpected, record.auth, record.rawOkm,
      payloadJson, JSON.stringify(record.envelope), record.remoteAddress, record.dedupKey,
    ],
  );
  const okmRowId = inserted.rows[0]?.id;
  if (okmRowId === undefined) {
    // A re-sent OKM: acknowledge again, store nothing new, but the device was seen.
    await tx.query(COUNT_ON_CWM, [record.cwmId, record.receivedAtMs, record.remoteAddress, 0, 0, false]);
    const existing = await tx.query<{ id: number }>(
      'SELECT id FROM okms WHERE cwm_id = $1 AND origin_id = $2 AND dedup_key = $3',
      [record.cwmId, record.originId, record.dedupKey],
    );
    return {
      storedOkmId: existing.rows[0]?.id ?? 0,
      isDuplicate: true,
      answeredMessageId: null,
      isPullPending: await selectHasPending(tx, record.cwmId, record.receivedAtMs),
    };
  }
  const isCwmHeartbeat = record.heartbeat !== null && record.originId === record.cwmId;
  await tx.query(COUNT_ON_CWM, [
    record.cwmId, record.receivedAtMs, record.remoteAddress, 1, record.crcVerdict === 'valid' ? 0 : 1, isCwmHeartbeat,
  ]);
  await recordDeviceState(tx, record, okmRowId);
  let answeredMessageId: number | null = null;
  if (record.answerCandidate !== null) {
    const answered = await tx.query<{ id: number }>(ANSWER_MESSAGE, [
      record.receivedAtMs, payloadJson ?? '{}', okmRowId, record.cwmId, record.answerCandidate.okmId, record.originId,
    ]);
    answeredMessageId = answered.rows[0]?.id ?? null;
  }
  return {
    storedOkmId: okmRowId,
    isDuplicate: false,
    answeredMessageId,
    isPullPending: await selectHasPending(tx, record.cwmId, record.receivedAtMs),
  };
}

/**
 * Upserts the origin device's state. The upsert locks the row (new or existing) and returns its merged
 * heartbeat fields, so merging in a heartbeat is a read-modify-write no other node can interleave with.
 */
async function recordDeviceState(tx: SqlRunner, record: PushRecord, okmRowId: number): Promise<void> {
  const { rows } = await tx.query<{ latest_fields: string }>(
    `INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, last_okm)
     VALUES ($1, $2, $3, $3, $4)
     ON CONFLICT (device_id) DO UPDATE SET cwm_id = excluded.cwm_id, last_seen_at = excluded.last_seen_at, last_okm = excluded.last_okm
     RETURNING latest_fields`,
    [record.originId, record.cwmId, record.receivedAtMs, okmRowId],
  );
  if (record.heartbeat === null) return;
  const previousFields = readJsonObject(rows[0]?.latest_fields ?? null) ?? {};
  await tx.query(
    'UPDATE device_state SET last_heartbeat = $2, last_heartbeat_at = $3, latest_fields = $4 WHERE device_id = $1',
    [record.originId, JSON.stringify(record.heartbeat), record.receivedAtMs, JSON.stringify({ ...previousFields, ...record.heartbeat })],
  );
}

/** Pushes in one transaction at most; batches committing at once on one node. */
const MAX_PUSH_BATCH = 256;
const MAX_CONCURRENT_PUSH_BATCHES = 3;

export interface PostgresTelemetryRepo extends TelemetryStore {
  /** Pushes waiting for their batch or in a batch not yet committed. */
  readonly pendingPushCount: number;
  /** Resolves when every push handed in has committed or failed. */
  drained(): Promise<void>;
}

/**
 * A batch that fails as a whole (a value PostgreSQL refuses in one push, say) is retried push by push,
 * so that one bad push fails alone.
 */
async function runPushBatch(db: PostgresDatabase, records: readonly PushRecord[]): Promise<Array<BatchOutcome<PushOutcome>>> {
  try {
    const outcomes = await db.transaction((tx) => applyPushBatch(tx, records));
    return outcomes.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (records.length === 1) return [{ ok: false, error }];
    const outcomes: Array<BatchOutcome<PushOutcome>> = [];
    for (const record of records) {
      try {
        outcomes.push({ ok: true, value: await db.transaction((tx) => applyPush(tx, record)) });
      } catch (alone) {
        outcomes.push({ ok: false, error: alone });
      }
    }
    return outcomes;
  }
}

export function createPostgresTelemetryRepo(db: PostgresDatabase): PostgresTelemetryRepo {
  const pushes = createGroupCommitQueue<PushRecord, PushOutcome>({
    maxBatchSize: MAX_PUSH_BATCH,
    maxConcurrentBatches: MAX_CONCURRENT_PUSH_BATCHES,
    runBatch: (records) => runPushBatch(db, records),
  });
  return {
    recordPush(record) {
      return pushes.run(record);
    },
    get pendingPushCount() {
      return pushes.pendingCount;
    },
    drained: () => pushes.drained(),
    async listOkms(query: OkmQuery) {
      const filters: string[] = [];
      const values: SqlValue[] = [];
      if (query.cwmId !== undefined) filters.push(`cwm_id = $${values.push(query.cwmId)}`);
      if (query.originId !== undefined) filters.push(`origin_id = $${values.push(query.originId)}`);
      const where = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
      const { rows } = await db.read.query<OkmRow>(
        `SELECT ${OKM_COLUMNS} FROM okms ${where} ORDER BY id DESC LIMIT $${values.push(query.limit)}`,
        values,
      );
      return rows.reverse().map(toStoredOkm);
    },
    async querySeries(query) {
      // As SQLite's json_extract reads them, JSON true/false count as 1/0; other non-numbers are skipped.
      const { rows } = await db.read.query<{ b: number; lo: number; hi: number; mean: number; n: number }>(
        `SELECT b, min(v) AS lo, max(v) AS hi, avg(v) AS mean, count(v) AS n
         FROM (SELECT trunc((received_at - $2)::float8 / $4::float8)::bigint AS b,
                 CASE json_typeof(j) WHEN 'number' THEN (j #>> '{}')::float8
                   WHEN 'boolean' THEN CASE WHEN (j #>> '{}') = 'true' THEN 1 ELSE 0 END END AS v
               FROM (SELECT received_at, payload::json -> '_hbt' -> $5::text AS j FROM okms
                     WHERE origin_id = $1 AND received_at >= $2 AND received_at < $3) AS picked) AS valued
         WHERE v IS NOT NULL GROUP BY b ORDER BY b`,
        [query.originId, query.fromMs, query.toMs, query.bucketMs, query.field],
      );
      return rows.map((row) => ({ bucketStartMs: query.fromMs + row.b * query.bucketMs, min: row.lo, max: row.hi, avg: row.mean, count: row.n }));
    },
    async countOkmsPerMinute(fromMs, toMs) {
      const { rows } = await db.read.query<{ m: number; n: number }>(
        'SELECT received_at / 60000 AS m, count(*) AS n FROM okms WHERE received_at >= $1 AND received_at < $2 GROUP BY m ORDER BY m',
        [fromMs, toMs],
      );
      return rows.map((row): [number, number] => [row.m * 60_000, row.n]);
    },
    async listOkmsInRange(cwmId, fromMs, toMs, limit) {
      const { rows } = await db.read.query<OkmRow>(
        `SELECT ${OKM_COLUMNS} FROM okms WHERE cwm_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY id LIMIT $4`,
        [cwmId, fromMs, toMs, limit],
      );
      return rows.map(toStoredOkm);
    },
    async countOkms(cwmId) {
      const { rows } = await db.read.query<{ n: number }>('SELECT count(*) AS n FROM okms WHERE cwm_id = $1', [cwmId]);
      return rows[0]?.n ?? 0;
    },
  };
}
