// The durable outbox of notifications in the embedded store (domain/alerts/alert-store.ts): entries written with
// the alerts they tell of marked as told, in one batch transaction; claimed for delivery by moving their next
// attempt past a lease inside the batch (one writer at a time: two processes never claim one entry).

import type { Database } from 'better-sqlite3';
import type { AlertStore, OutboxRecord } from '../../../domain/alerts/alert-store.js';
import { OUTBOX_COLUMNS, toOutbox, type OutboxRow } from '../alert-sql/alert-rows.js';
import type { AlertChangeCounter } from './sqlite-alert-repo.js';
import type { WriteBatcher } from './write-batcher.js';

type OutboxWrites = Pick<AlertStore, 'enqueueNotifications' | 'claimDueNotifications' | 'markNotificationDelivered' | 'markNotificationFailed' | 'pruneNotifications'>;

export function createSqliteAlertOutboxRepo(db: Database, batcher: WriteBatcher, counter: AlertChangeCounter): OutboxWrites {
  // Told in its current state: a firing alert is next due for a repeat counted from now, a resolution never again.
  // Only if nobody changed it since it was read (changeSeq), and never a pending one (nothing to tell).
  const markTold = db.prepare<[{ id: number; expected: number; at: number; seq: number }], { id: number }>(
    `UPDATE alerts SET notified_at = @at, notify_due_at = CASE WHEN state = 'firing' THEN @at END, change_seq = @seq
     WHERE id = @id AND change_seq = @expected AND state <> 'pending' RETURNING id`,
  );
  const insertEntry = db.prepare<[{ channelId: number; ruleId: number; messageId: string; payload: string; at: number }], OutboxRow>(
    `INSERT INTO notification_outbox (channel_id, rule_id, message_id, payload, state, created_at, attempts, next_attempt_at)
     VALUES (@channelId, @ruleId, @messageId, @payload, 'queued', @at, 0, @at) RETURNING ${OUTBOX_COLUMNS}`,
  );
  const claim = db.prepare<[{ now: number; until: number; limit: number }], OutboxRow>(
    `UPDATE notification_outbox SET next_attempt_at = @until, attempts = attempts + 1, last_attempt_at = @now
     WHERE id IN (SELECT id FROM notification_outbox WHERE state = 'queued' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit)
     RETURNING ${OUTBOX_COLUMNS}`,
  );
  const delivered = db.prepare<[{ id: number; at: number }], { channel_id: number }>(
    "UPDATE notification_outbox SET state = 'delivered', delivered_at = @at WHERE id = @id AND state = 'queued' RETURNING channel_id",
  );
  const failed = db.prepare<[{ id: number; at: number; error: string; next: number | null }], { channel_id: number }>(
    `UPDATE notification_outbox SET state = CASE WHEN @next IS NULL THEN 'failed' ELSE 'queued' END,
       next_attempt_at = coalesce(@next, next_attempt_at), last_attempt_at = @at, last_error = @error
     WHERE id = @id AND state = 'queued' RETURNING channel_id`,
  );
  const channelSucceeded = db.prepare('UPDATE notification_channels SET last_success_at = ? WHERE id = ?');
  const channelFailed = db.prepare('UPDATE notification_channels SET last_failure_at = ?, last_failure = ? WHERE id = ?');
  const prune = db.prepare("DELETE FROM notification_outbox WHERE state <> 'queued' AND created_at < ?");

  return {
    enqueueNotifications(batch): Promise<OutboxRecord[]> {
      return batcher.run(() => {
        let marked = 0;
        for (const alert of batch.alerts) {
          const seq = counter.next();
          if (markTold.get({ id: alert.alertId, expected: alert.changeSeq, at: batch.atMs, seq })) {
            counter.take(seq);
            marked++;
          }
        }
        // Every alert it tells of changed since it was read: another node told of them first (or they moved on and
        // will be told of in their new state). Writing the entries would send the same news twice.
        if (batch.alerts.length > 0 && marked === 0) return [];
        return batch.entries.flatMap((entry) => {
          const row = insertEntry.get({ channelId: entry.channelId, ruleId: entry.ruleId, messageId: entry.messageId, payload: JSON.stringify(entry.payload), at: entry.atMs });
          return row ? [toOutbox(row)] : [];
        });
      });
    },
    claimDueNotifications(nowMs, leaseMs, limit) {
      return batcher.run(() => claim.all({ now: nowMs, until: nowMs + leaseMs, limit }).map(toOutbox).sort((a, b) => a.id - b.id));
    },
    markNotificationDelivered(id, atMs) {
      return batcher.run(() => {
        const row = delivered.get({ id, at: atMs });
        if (row) channelSucceeded.run(atMs, row.channel_id);
      });
    },
    markNotificationFailed(id, atMs, error, nextAttemptAtMs) {
      return batcher.run(() => {
        const row = failed.get({ id, at: atMs, error, next: nextAttemptAtMs });
        if (row) channelFailed.run(atMs, error, row.channel_id);
      });
    },
    pruneNotifications(beforeMs) {
      return batcher.run(() => prune.run(beforeMs).changes);
    },
  };
}
