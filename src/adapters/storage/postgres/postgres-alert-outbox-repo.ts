// The durable outbox of notifications in the PostgreSQL store (domain/alerts/alert-store.ts): entries written with
// the alerts they tell of marked as told, in one transaction holding the alert change lock (postgres-alert-repo.ts);
// claimed for delivery by moving their next attempt past a lease in one statement whose rows are locked with
// SKIP LOCKED, so two nodes claiming at once take different entries.

import type { AlertStore, OutboxRecord } from '../../../domain/alerts/alert-store.js';
import { OUTBOX_COLUMNS, toOutbox, type OutboxRow } from '../alert-sql/alert-rows.js';
import { inAlertChange } from './postgres-alert-change.js';
import type { PostgresDatabase } from './postgres-database.js';

type OutboxWrites = Pick<AlertStore, 'enqueueNotifications' | 'claimDueNotifications' | 'markNotificationDelivered' | 'markNotificationFailed' | 'pruneNotifications'>;

export function createPostgresAlertOutboxRepo(db: PostgresDatabase): OutboxWrites {
  return {
    enqueueNotifications(batch): Promise<OutboxRecord[]> {
      return inAlertChange(db, async (tx, seq) => {
        let marked = 0;
        for (const alert of batch.alerts) {
          const next = seq.next();
          // Told in its current state: a firing alert is next due for a repeat counted from now, a resolution never
          // again. Only if nobody changed it since it was read (changeSeq), and never a pending one.
          const { rows } = await tx.query(
            `UPDATE alerts SET notified_at = $3, notify_due_at = CASE WHEN state = 'firing' THEN $3::bigint END, change_seq = $4
             WHERE id = $1 AND change_seq = $2 AND state <> 'pending' RETURNING id`,
            [alert.alertId, alert.changeSeq, batch.atMs, next],
          );
          if (rows.length > 0) {
            seq.take(next);
            marked++;
          }
        }
        // Every alert it tells of changed since it was read: another node told of them first (or they moved on and
        // will be told of in their new state). Writing the entries would send the same news twice.
        if (batch.alerts.length > 0 && marked === 0) return [];
        if (batch.entries.length === 0) return [];
        const { rows } = await tx.query<OutboxRow>(
          `INSERT INTO notification_outbox (channel_id, rule_id, message_id, payload, state, created_at, attempts, next_attempt_at)
           SELECT e.channel_id, e.rule_id, e.message_id, e.payload, 'queued', e.at, 0, e.at
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS e(channel_id, rule_id, message_id, payload, at, n)
           ORDER BY e.n RETURNING ${OUTBOX_COLUMNS}`,
          [
            batch.entries.map((entry) => entry.channelId),
            batch.entries.map((entry) => entry.ruleId),
            batch.entries.map((entry) => entry.messageId),
            batch.entries.map((entry) => JSON.stringify(entry.payload)),
            batch.entries.map((entry) => entry.atMs),
          ],
        );
        return rows.map(toOutbox).sort((a, b) => a.id - b.id);
      });
    },
    async claimDueNotifications(nowMs, leaseMs, limit) {
      // An entry another node claimed and committed meanwhile is re-checked under its lock: its next attempt is past now.
      const { rows } = await db.write<OutboxRow>(
        `UPDATE notification_outbox SET next_attempt_at = $2, attempts = attempts + 1, last_attempt_at = $1
         WHERE id IN (
           SELECT id FROM notification_outbox WHERE state = 'queued' AND next_attempt_at <= $1
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
         ) RETURNING ${OUTBOX_COLUMNS}`,
        [nowMs, nowMs + leaseMs, limit],
      );
      return rows.map(toOutbox).sort((a, b) => a.id - b.id);
    },
    async markNotificationDelivered(id, atMs) {
      await db.write(
        `WITH done AS (
           UPDATE notification_outbox SET state = 'delivered', delivered_at = $2 WHERE id = $1 AND state = 'queued' RETURNING channel_id
         )
         UPDATE notification_channels c SET last_success_at = $2 FROM done WHERE c.id = done.channel_id`,
        [id, atMs],
      );
    },
    async markNotificationFailed(id, atMs, error, nextAttemptAtMs) {
      await db.write(
        `WITH attempt AS (
           UPDATE notification_outbox SET state = CASE WHEN $4::bigint IS NULL THEN 'failed' ELSE 'queued' END,
             next_attempt_at = coalesce($4::bigint, next_attempt_at), last_attempt_at = $2, last_error = $3
           WHERE id = $1 AND state = 'queued' RETURNING channel_id
         )
         UPDATE notification_channels c SET last_failure_at = $2, last_failure = $3 FROM attempt WHERE c.id = attempt.channel_id`,
        [id, atMs, error, nextAttemptAtMs],
      );
    },
    async pruneNotifications(beforeMs) {
      const result = await db.write("DELETE FROM notification_outbox WHERE state <> 'queued' AND created_at < $1", [beforeMs]);
      return result.rowCount ?? 0;
    },
  };
}
