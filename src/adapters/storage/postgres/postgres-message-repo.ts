// The durable per-CWM message queue in the PostgreSQL store, correct with many nodes sharing it.
//
// Lock order, to keep nodes from deadlocking: a transaction that touches both takes the CWM's device
// row before any of its message rows. Leasing touches message rows only and skips the ones other
// nodes hold (FOR UPDATE SKIP LOCKED), so concurrent /pulls of one CWM never wait on each other.

import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { queuedOkmTextOf, type MessageRecord, type MessageStore, type NewMessage } from '../../../domain/message-store.js';
import type { PostgresDatabase, SqlRunner } from './postgres-database.js';
import type { BatchOutcome } from './batch-outcome.js';
import { createKeyedBatcher } from './postgres-enqueue-batcher.js';
import { MESSAGE_COLUMNS, toMessageRecord, type MessageRow } from '../stored-rows/message-row.js';

/** OKE firmware receives the message `_id` as a uint16_t (PROTOCOL.md Part B 4, CWPortInboundMsgCB). */
const MAX_OKM_ID = 65535;
/** Enqueues to one CWM committed together at most: bounds how long one transaction holds the lock. */
const ENQUEUE_BATCH_SIZE = 200;

const OUTSTANDING = "state IN ('queued', 'delivered')";

/** True while anything unexpired is queued for the CWM; usable inside another transaction. */
export async function selectHasPending(sql: SqlRunner, cwmId: string, nowMs: number): Promise<boolean> {
  const { rows } = await sql.query<{ is_pending: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM messages WHERE cwm_id = $1 AND state = 'queued' AND expires_at > $2) AS is_pending",
    [cwmId, nowMs],
  );
  return rows[0]?.is_pending ?? false;
}

async function expireOverdue(sql: SqlRunner, cwmId: string, nowMs: number): Promise<void> {
  await sql.query(
    `UPDATE messages SET state = 'expired', ended_at = $2
     WHERE cwm_id = $1 AND state = 'queued' AND expires_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)`,
    [cwmId, nowMs],
  );
}

/**
 * Expires the CWM's overdue messages and, in the same statement, counts what stays queued and probes
 * whether `_id` `start` is free. One statement instead of three: the caller holds the device row lock
 * meanwhile, and every statement under it delays the next enqueue for this CWM on every node.
 */
async function expireAndCount(
  sql: SqlRunner,
  cwmId: string,
  nowMs: number,
  start: number,
): Promise<{ queued: number; isStartTaken: boolean }> {
  // The outer SELECT sees the rows as they were before the CTE expired some: those are subtracted.
  const { rows } = await sql.query<{ queued: number; is_start_taken: boolean }>(
    `WITH expired AS (
       UPDATE messages SET state = 'expired', ended_at = $2
       WHERE cwm_id = $1 AND state = 'queued' AND expires_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
       RETURNING okm_id
     )
     SELECT
       (SELECT count(*) FROM messages WHERE cwm_id = $1 AND state = 'queued') - (SELECT count(*) FROM expired) AS queued,
       EXISTS (SELECT 1 FROM messages WHERE cwm_id = $1 AND okm_id = $3 AND ${OUTSTANDING}
               AND okm_id NOT IN (SELECT okm_id FROM expired)) AS is_start_taken`,
    [cwmId, nowMs, start],
  );
  return { queued: rows[0]?.queued ?? 0, isStartTaken: rows[0]?.is_start_taken ?? false };
}

/**
 * The first free `_id` after `start` (which is taken) in cyclic order 1..65535: it is 1 or follows an
 * outstanding id, so only those candidates are searched, this lap (> start) before the wrapped one.
 * Rare: `start` is only taken once the counter has wrapped.
 */
async function findFreeOkmIdAfter(sql: SqlRunner, cwmId: string, start: number): Promise<number> {
  const { rows } = await sql.query<{ okm_id: number }>(
    `SELECT c AS okm_id FROM (
       SELECT okm_id + 1 AS c, 0 AS lap FROM messages WHERE cwm_id = $1 AND ${OUTSTANDING} AND okm_id >= $2 AND okm_id < $3
       UNION ALL SELECT 1, 1
       UNION ALL SELECT okm_id + 1, 1 FROM messages WHERE cwm_id = $1 AND ${OUTSTANDING} AND okm_id < $2
     ) AS candidate
     WHERE NOT EXISTS (SELECT 1 FROM messages o WHERE o.cwm_id = $1 AND o.okm_id = candidate.c AND o.${OUTSTANDING})
     ORDER BY lap, c LIMIT 1`,
    [cwmId, start, MAX_OKM_ID],
  );
  const found = rows[0];
  if (!found) throw new OpenTpsError('ERR_QUEUE_FULL', `every _id of ${cwmId} is outstanding`);
  return found.okm_id;
}

/** Queues one message; the caller holds the CWM's device row lock and advances its cursor afterwards. */
async function insertLocked(tx: SqlRunner, message: NewMessage, start: number): Promise<MessageRecord> {
  const { queued, isStartTaken } = await expireAndCount(tx, message.cwmId, message.createdAtMs, start);
  if (queued >= message.maxQueued) {
    throw new OpenTpsError('ERR_QUEUE_FULL', `${message.cwmId} has ${queued} queued messages (limit ${message.maxQueued})`);
  }
  const okmId = isStartTaken ? await findFreeOkmIdAfter(tx, message.cwmId, start) : start;
  const { rows } = await tx.query<MessageRow>(
    `INSERT INTO messages (cwm_id, okm_id, destination, target_id, cmd, payload, okm, state, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9)
     RETURNING ${MESSAGE_COLUMNS}`,
    [
      message.cwmId,
      okmId,
      JSON.stringify(message.destination),
      message.destination[0] ?? message.cwmId,
      message.cmd,
      JSON.stringify(message.payload),
      queuedOkmTextOf(message, okmId),
      message.createdAtMs,
      message.expiresAtMs,
    ],
  );
  const row = rows[0];
  if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'message vanished after insert');
  return toMessageRecord(row);
}

/**
 * Queues a batch of messages for one CWM in one transaction, in order. A message refused on its own
 * (queue full) fails alone: it wrote nothing but the expiry any enqueue performs. A store failure
 * fails the batch, which then rolls back whole.
 */
function enqueueBatch(db: PostgresDatabase, cwmId: string, messages: readonly NewMessage[]): Promise<Array<BatchOutcome<MessageRecord>>> {
  return db.transaction(async (tx) => {
    // The device row lock serialises allocation per CWM across nodes. It is its own statement on
    // purpose: later statements then take a snapshot that sees what the previous holder committed.
    const cursor = await tx.query<{ next_message_id: number }>('SELECT next_message_id FROM devices WHERE id = $1 FOR UPDATE', [cwmId]);
    const cursorId = cursor.rows[0]?.next_message_id;
    if (cursorId === undefined) {
      return messages.map(() => ({ ok: false, error: new OpenTpsError('ERR_DEVICE_NOT_FOUND', cwmId) }));
    }
    let next = cursorId >= 1 && cursorId <= MAX_OKM_ID ? cursorId : 1;
    const outcomes: Array<BatchOutcome<MessageRecord>> = [];
    for (const message of messages) {
      try {
        const record = await insertLocked(tx, message, next);
        next = (record.okmId % MAX_OKM_ID) + 1;
        outcomes.push({ ok: true, value: record });
      } catch (error) {
        if (isOpenTpsError(error, 'ERR_STORE_FAILED')) throw error;
        outcomes.push({ ok: false, error });
      }
    }
    if (next !== cursorId) await tx.query('UPDATE devices SET next_message_id = $2 WHERE id = $1', [cwmId, next]);
    return outcomes;
  });
}

export function createPostgresMessageRepo(db: PostgresDatabase): MessageStore & {
  /** Enqueues waiting for their batch: pending writes not yet in a transaction. */
  countWaitingEnqueues(): number;
} {
  const enqueues = createKeyedBatcher<NewMessage, MessageRecord>({
    maxBatchSize: ENQUEUE_BATCH_SIZE,
    runBatch: (cwmId, messages) => enqueueBatch(db, cwmId, messages),
  });

  async function selectMessage(sql: SqlRunner, messageId: number): Promise<MessageRow | null> {
    const { rows } = await sql.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [messageId]);
    return rows[0] ?? null;
  }

  return {
    countWaitingEnqueues() {
      return enqueues.waitingCount;
    },
    enqueueMessage(message: NewMessage) {
      return enqueues.run(message.cwmId, message);
    },
    leaseNextMessage(cwmId, nowMs, leaseUntilMs) {
      return db.transaction(async (tx) => {
        await expireOverdue(tx, cwmId, nowMs);
        // SKIP LOCKED: a message another node is leasing right now is passed over, not waited for.
        const next = await tx.query<{ id: number }>(
          `SELECT id FROM messages
           WHERE cwm_id = $1 AND state = 'queued' AND expires_at > $2 AND (lease_until IS NULL OR lease_until <= $2)
           ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [cwmId, nowMs],
        );
        const nextId = next.rows[0]?.id;
        if (nextId === undefined) return null;
        const { rows } = await tx.query<MessageRow & { is_more_pending: boolean }>(
          `UPDATE messages SET lease_until = $2, delivery_count = delivery_count + 1 WHERE id = $1
           RETURNING ${MESSAGE_COLUMNS},
             EXISTS (SELECT 1 FROM messages other WHERE other.cwm_id = messages.cwm_id AND other.state = 'queued'
                     AND other.expires_at > $3 AND other.id <> messages.id) AS is_more_pending`,
          [nextId, leaseUntilMs, nowMs],
        );
        const row = rows[0];
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'leased message vanished');
        return { message: toMessageRecord(row), isMorePending: row.is_more_pending };
      });
    },
    async confirmDelivery(messageId, atMs) {
      await db.transaction(async (tx) => {
        await tx.query(
          'SELECT d.id FROM devices d JOIN messages m ON m.cwm_id = d.id WHERE m.id = $1 FOR UPDATE OF d',
          [messageId],
        );
        const { rows } = await tx.query<{ cwm_id: string }>(
          "UPDATE messages SET state = 'delivered', lease_until = NULL, delivered_at = $2 WHERE id = $1 AND state = 'queued' RETURNING cwm_id",
          [messageId, atMs],
        );
        const cwmId = rows[0]?.cwm_id;
        if (cwmId !== undefined) await tx.query('UPDATE devices SET last_delivered_message = $1 WHERE id = $2', [messageId, cwmId]);
      });
    },
    async releaseLease(messageId) {
      await db.write("UPDATE messages SET lease_until = NULL WHERE id = $1 AND state = 'queued'", [messageId]);
    },
    requeueLastDelivery(cwmId) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ last_delivered_message: number | null }>(
          'SELECT last_delivered_message FROM devices WHERE id = $1 FOR UPDATE',
          [cwmId],
        );
        const last = rows[0]?.last_delivered_message ?? null;
        if (last === null) return null;
        await tx.query('UPDATE devices SET last_delivered_message = NULL WHERE id = $1', [cwmId]);
        const requeued = await tx.query(
          "UPDATE messages SET state = 'queued', lease_until = NULL WHERE id = $1 AND state = 'delivered'",
          [last],
        );
        return requeued.rowCount === 1 ? last : null;
      });
    },
    cancelMessage(messageId, atMs) {
      return db.transaction(async (tx) => {
        const { rows: existing } = await tx.query<{ state: string }>('SELECT state FROM messages WHERE id = $1 FOR UPDATE', [messageId]);
        const state = existing[0]?.state;
        if (state === undefined) throw new OpenTpsError('ERR_MESSAGE_NOT_FOUND', String(messageId));
        const { rows } = await tx.query<MessageRow>(
          `UPDATE messages SET state = 'cancelled', lease_until = NULL, ended_at = $2 WHERE id = $1 AND ${OUTSTANDING}
           RETURNING ${MESSAGE_COLUMNS}`,
          [messageId, atMs],
        );
        const row = rows[0];
        if (!row) throw new OpenTpsError('ERR_MESSAGE_NOT_CANCELLABLE', `message ${messageId} is ${state}`);
        return toMessageRecord(row);
      });
    },
    async findMessage(messageId) {
      const row = await selectMessage(db.read, messageId);
      return row ? toMessageRecord(row) : null;
    },
    async listMessages(cwmId, nowMs) {
      const { rows } = await db.read.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE cwm_id = $1 ORDER BY id`, [cwmId]);
      // Listing shows overdue messages as expired even before the sweeper or a pull has run.
      return rows.map((row) => {
        const record = toMessageRecord(row);
        return record.state === 'queued' && record.expiresAtMs <= nowMs ? { ...record, state: 'expired' as const } : record;
      });
    },
    async countQueuedMessages(cwmId, nowMs) {
      const { rows } = await db.read.query<{ n: number }>(
        "SELECT count(*) AS n FROM messages WHERE cwm_id = $1 AND state = 'queued' AND expires_at > $2",
        [cwmId, nowMs],
      );
      return rows[0]?.n ?? 0;
    },
    hasPendingMessages(cwmId, nowMs) {
      return selectHasPending(db.read, cwmId, nowMs);
    },
    async expireMessages(nowMs) {
      const { rowCount } = await db.write(
        `UPDATE messages SET state = 'expired', ended_at = $1
         WHERE state = 'queued' AND expires_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)`,
        [nowMs],
      );
      return rowCount ?? 0;
    },
    async pruneFinishedMessages(olderThanMs, limit) {
      const { rowCount } = await db.write(
        `DELETE FROM messages WHERE id IN (SELECT id FROM (
           (SELECT id FROM messages WHERE ended_at IS NOT NULL AND ended_at < $1 LIMIT $2)
           UNION ALL
           (SELECT id FROM messages WHERE state = 'delivered' AND delivered_at < $1 LIMIT $2)) AS old LIMIT $2)`,
        [olderThanMs, limit],
      );
      return rowCount ?? 0;
    },
  };
}
