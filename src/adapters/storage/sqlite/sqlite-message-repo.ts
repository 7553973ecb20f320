// The durable per-CWM message queue in the embedded store.

import type { Database } from 'better-sqlite3';
import { OpenTpsError } from '../../../errors.js';
import { queuedOkmTextOf, type MessageStore, type NewMessage } from '../../../domain/message-store.js';
import type { WriteBatcher } from './write-batcher.js';
import { MESSAGE_COLUMNS, toMessageRecord, type MessageRow } from '../stored-rows/message-row.js';

/** OKE firmware receives the message `_id` as a uint16_t (PROTOCOL.md Part B 4, CWPortInboundMsgCB). */
export const MAX_OKM_ID = 65535;

export function createSqliteMessageRepo(db: Database, batcher: WriteBatcher): MessageStore & {
  /** Synchronous pending check, for use inside another write of the same batch. */
  hasPendingNow(cwmId: string, nowMs: number): boolean;
} {
  const selectDeviceCursor = db.prepare<[string], { next_message_id: number; last_delivered_message: number | null }>(
    'SELECT next_message_id, last_delivered_message FROM devices WHERE id = ?',
  );
  const expireForCwm = db.prepare(
    `UPDATE messages SET state = 'expired', ended_at = ?
     WHERE cwm_id = ? AND state = 'queued' AND expires_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
  );
  const expireAll = db.prepare(
    `UPDATE messages SET state = 'expired', ended_at = ?
     WHERE state = 'queued' AND expires_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
  );
  const countQueued = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM messages WHERE cwm_id = ? AND state = 'queued'",
  );
  const isOkmIdOutstanding = db.prepare<[string, number], { one: number }>(
    "SELECT 1 AS one FROM messages WHERE cwm_id = ? AND okm_id = ? AND state IN ('queued', 'delivered') LIMIT 1",
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (cwm_id, okm_id, destination, target_id, cmd, payload, okm, state, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
  );
  const setNextMessageId = db.prepare('UPDATE devices SET next_message_id = ? WHERE id = ?');
  const selectMessage = db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
  const selectNextDeliverable = db.prepare<[string, number, number], MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
     WHERE cwm_id = ? AND state = 'queued' AND expires_at > ? AND (lease_until IS NULL OR lease_until <= ?)
     ORDER BY id LIMIT 1`,
  );
  const leaseMessage = db.prepare('UPDATE messages SET lease_until = ?, delivery_count = delivery_count + 1 WHERE id = ?');
  const selectOtherPending = db.prepare<[string, number, number], { one: number }>(
    "SELECT 1 AS one FROM messages WHERE cwm_id = ? AND state = 'queued' AND expires_at > ? AND id <> ? LIMIT 1",
  );
  const selectPending = db.prepare<[string, number], { one: number }>(
    "SELECT 1 AS one FROM messages WHERE cwm_id = ? AND state = 'queued' AND expires_at > ? LIMIT 1",
  );
  const markDelivered = db.prepare(
    "UPDATE messages SET state = 'delivered', lease_until = NULL, delivered_at = ? WHERE id = ? AND state = 'queued'",
  );
  const rememberDelivery = db.prepare('UPDATE devices SET last_delivered_message = ? WHERE id = ?');
  const release = db.prepare("UPDATE messages SET lease_until = NULL WHERE id = ? AND state = 'queued'");
  const requeue = db.prepare("UPDATE messages SET state = 'queued', lease_until = NULL WHERE id = ? AND state = 'delivered'");
  const cancel = db.prepare(
    "UPDATE messages SET state = 'cancelled', lease_until = NULL, ended_at = ? WHERE id = ? AND state IN ('queued', 'delivered')",
  );
  const deleteFinished = db.prepare(
    `DELETE FROM messages WHERE id IN (
       SELECT id FROM messages WHERE ended_at IS NOT NULL AND ended_at < @before
       UNION ALL
       SELECT id FROM messages WHERE state = 'delivered' AND delivered_at < @before
       LIMIT @limit)`,
  );
  const selectForCwm = db.prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE cwm_id = ? ORDER BY id`);
  const countUnexpiredQueued = db.prepare<[string, number], { n: number }>(
    "SELECT count(*) AS n FROM messages WHERE cwm_id = ? AND state = 'queued' AND expires_at > ?",
  );

  function hasPendingNow(cwmId: string, nowMs: number): boolean {
    return selectPending.get(cwmId, nowMs) !== undefined;
  }

  function expireOverdue(cwmId: string, nowMs: number): void {
    expireForCwm.run(nowMs, cwmId, nowMs, nowMs);
  }

  function allocateOkmId(cwmId: string, start: number): number {
    let candidate = start >= 1 && start <= MAX_OKM_ID ? start : 1;
    for (let tries = 0; tries < MAX_OKM_ID; tries++) {
      if (!isOkmIdOutstanding.get(cwmId, candidate)) return candidate;
      candidate = (candidate % MAX_OKM_ID) + 1;
    }
    throw new OpenTpsError('ERR_QUEUE_FULL', `every _id of ${cwmId} is outstanding`);
  }

  return {
    enqueueMessage(message: NewMessage) {
      return batcher.run(() => {
        const cursor = selectDeviceCursor.get(message.cwmId);
        if (!cursor) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', message.cwmId);
        expireOverdue(message.cwmId, message.createdAtMs);
        const queued = countQueued.get(message.cwmId)?.n ?? 0;
        if (queued >= message.maxQueued) {
          throw new OpenTpsError('ERR_QUEUE_FULL', `${message.cwmId} has ${queued} queued messages (limit ${message.maxQueued})`);
        }
        const okmId = allocateOkmId(message.cwmId, cursor.next_message_id);
        const okmText = queuedOkmTextOf(message, okmId);
        const { lastInsertRowid } = insertMessage.run(
          message.cwmId,
          okmId,
          JSON.stringify(message.destination),
          message.destination[0] ?? message.cwmId,
          message.cmd,
          JSON.stringify(message.payload),
          okmText,
          message.createdAtMs,
          message.expiresAtMs,
        );
        setNextMessageId.run((okmId % MAX_OKM_ID) + 1, message.cwmId);
        const row = selectMessage.get(Number(lastInsertRowid));
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'message vanished after insert');
        return toMessageRecord(row);
      });
    },
    leaseNextMessage(cwmId, nowMs, leaseUntilMs) {
      return batcher.run(() => {
        expireOverdue(cwmId, nowMs);
        const row = selectNextDeliverable.get(cwmId, nowMs, nowMs);
        if (!row) return null;
        leaseMessage.run(leaseUntilMs, row.id);
        const isMorePending = selectOtherPending.get(cwmId, nowMs, row.id) !== undefined;
        return { message: toMessageRecord({ ...row, delivery_count: row.delivery_count + 1 }), isMorePending };
      });
    },
    confirmDelivery(messageId, atMs) {
      return batcher.run(() => {
        if (markDelivered.run(atMs, messageId).changes === 1) {
          const row = selectMessage.get(messageId);
          if (row) rememberDelivery.run(messageId, row.cwm_id);
        }
      });
    },
    releaseLease(messageId) {
      return batcher.run(() => {
        release.run(messageId);
      });
    },
    requeueLastDelivery(cwmId) {
      return batcher.run(() => {
        const last = selectDeviceCursor.get(cwmId)?.last_delivered_message ?? null;
        if (last === null) return null;
        rememberDelivery.run(null, cwmId);
        return requeue.run(last).changes === 1 ? last : null;
      });
    },
    cancelMessage(messageId, atMs) {
      return batcher.run(() => {
        const existing = selectMessage.get(messageId);
        if (!existing) throw new OpenTpsError('ERR_MESSAGE_NOT_FOUND', String(messageId));
        if (cancel.run(atMs, messageId).changes === 0) {
          throw new OpenTpsError('ERR_MESSAGE_NOT_CANCELLABLE', `message ${messageId} is ${existing.state}`);
        }
        const row = selectMessage.get(messageId);
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'message vanished after cancel');
        return toMessageRecord(row);
      });
    },
    async findMessage(messageId) {
      const row = selectMessage.get(messageId);
      return row ? toMessageRecord(row) : null;
    },
    async listMessages(cwmId, nowMs) {
      // Listing shows overdue messages as expired even before the sweeper or a pull has run.
      return selectForCwm.all(cwmId).map((row) => {
        const record = toMessageRecord(row);
        return record.state === 'queued' && record.expiresAtMs <= nowMs ? { ...record, state: 'expired' as const } : record;
      });
    },
    async countQueuedMessages(cwmId, nowMs) {
      return countUnexpiredQueued.get(cwmId, nowMs)?.n ?? 0;
    },
    async hasPendingMessages(cwmId, nowMs) {
      return hasPendingNow(cwmId, nowMs);
    },
    hasPendingNow,
    expireMessages(nowMs) {
      return batcher.run(() => expireAll.run(nowMs, nowMs, nowMs).changes);
    },
    pruneFinishedMessages(olderThanMs, limit) {
      return batcher.run(() => deleteFinished.run({ before: olderThanMs, limit }).changes);
    },
  };
}
