// Upstream OKMs in the PostgreSQL store: pushes stored in batches (postgres-push-batch.ts: idempotent,
// with the device state and answer matching they imply, in one transaction) into time partitions
// (postgres-okm-partitions.ts), and the queries over them, which span the partitions as one table.

import type { OkmQuery, PushOutcome, PushRecord, TelemetryStore } from '../../../domain/telemetry-store.js';
import type { PostgresDatabase, SqlValue } from './postgres-database.js';
import { OKM_COLUMNS, toStoredOkm, type OkmRow } from '../stored-rows/okm-row.js';
import { applyPushBatch } from './postgres-push-batch.js';
import { createGroupCommitQueue } from './group-commit-queue.js';
import type { BatchOutcome } from './batch-outcome.js';
import type { BatchObserver } from '../commit-observer.js';
import { createOkmPartitions, isMissingPartition, type OkmPartitions } from './postgres-okm-partitions.js';

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
 * Stores the pushes in one transaction, in partitions made beforehand. A push is never refused for want
 * of a partition: when the insert finds none for a receive time after all (another node's retention
 * dropped it since this node last looked), the partitions are read again, the missing one made, and the
 * transaction run again.
 */
async function storePushes(db: PostgresDatabase, partitions: OkmPartitions, records: readonly PushRecord[]): Promise<PushOutcome[]> {
  const times = records.map((record) => record.receivedAtMs);
  const run = (): Promise<PushOutcome[]> => db.transaction((tx) => applyPushBatch(tx, records, partitions.startOf));
  await partitions.ensureCovering(times);
  try {
    return await run();
  } catch (error) {
    if (!isMissingPartition(error)) throw error;
    partitions.forget();
    await partitions.ensureCovering(times);
    return run();
  }
}

/**
 * A batch that fails as a whole (a value PostgreSQL refuses in one push, say) is retried push by push,
 * so that one bad push fails alone.
 */
async function runPushBatch(db: PostgresDatabase, partitions: OkmPartitions, records: readonly PushRecord[]): Promise<Array<BatchOutcome<PushOutcome>>> {
  try {
    const outcomes = await storePushes(db, partitions, records);
    return outcomes.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (records.length === 1) return [{ ok: false, error }];
    const outcomes: Array<BatchOutcome<PushOutcome>> = [];
    for (const record of records) {
      try {
        const [alone] = await storePushes(db, partitions, [record]);
        outcomes.push(alone ? { ok: true, value: alone } : { ok: false, error });
      } catch (failure) {
        outcomes.push({ ok: false, error: failure });
      }
    }
    return outcomes;
  }
}

/** `partitionSpanMs`: the span of receive times of each new OKM partition; `onBatchSettled`: told of each batch of pushes. */
export function createPostgresTelemetryRepo(db: PostgresDatabase, partitionSpanMs: number, onBatchSettled?: BatchObserver): PostgresTelemetryRepo {
  const partitions = createOkmPartitions(db, partitionSpanMs);
  const pushes = createGroupCommitQueue<PushRecord, PushOutcome>({
    maxBatchSize: MAX_PUSH_BATCH,
    maxConcurrentBatches: MAX_CONCURRENT_PUSH_BATCHES,
    runBatch: (records) => runPushBatch(db, partitions, records),
    onBatchSettled,
  });
  return {
    async preparePartitions(nowMs) {
      await partitions.ensureCovering([nowMs, nowMs + partitionSpanMs]);
    },
    listTelemetryPartitions: () => partitions.list(),
    dropTelemetryBefore: (cutoffMs) => partitions.dropBefore(cutoffMs),
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
               FROM (SELECT received_at, raw::json -> '_pld' -> '_hbt' -> $5::text AS j FROM okms
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
