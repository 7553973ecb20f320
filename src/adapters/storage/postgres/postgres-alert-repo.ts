// Alert rules, alerts, silences and notification channels in the PostgreSQL store (domain/alerts/alert-store.ts);
// the outbox is in postgres-alert-outbox-repo.ts, the reads in alert-sql/alert-reads.ts. Every change of alerts
// is a transaction that first locks alert_change_counter (see the migration): the nodes' alert changes take
// their turns, each numbered after the last committed one, and each statement after the lock sees every change
// committed before it (a rule deleted meanwhile, an alert another node opened, fired or told of).

import type { AlertRecord, AlertStore, ChannelRecord, NewAlertRule } from '../../../domain/alerts/alert-store.js';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { createAlertReads } from '../alert-sql/alert-reads.js';
import {
  ALERT_COLUMNS,
  ALERT_RULE_COLUMNS,
  CHANNEL_COLUMNS,
  NEVER_TOLD_SHIFT_MS,
  SILENCE_COLUMNS,
  toAlert,
  toAlertRule,
  toChannel,
  toSilence,
  writeValue,
  type AlertRow,
  type AlertRuleRow,
  type ChannelRow,
  type SilenceRow,
} from '../alert-sql/alert-rows.js';
import { createPostgresAlertOutboxRepo } from './postgres-alert-outbox-repo.js';
import { inAlertChange, type AlertChangeSeq } from './postgres-alert-change.js';
import type { PostgresDatabase, SqlRunner, SqlValue } from './postgres-database.js';
import { POSTGRES_DIALECT } from './postgres-fleet-queries.js';
import { createPostgresReader } from './postgres-sql-reader.js';

/** One conditional change of an alert with the next number; the number is kept only when a row changed. */
async function changeAlert(tx: SqlRunner, seq: AlertChangeSeq, sql: string, values: (seq: number) => SqlValue[]): Promise<AlertRecord | null> {
  const next = seq.next();
  const { rows } = await tx.query<AlertRow>(sql, values(next));
  const row = rows[0];
  if (!row) return null;
  seq.take(next);
  return toAlert(row);
}

const RESOLVE = `UPDATE alerts SET state = 'resolved', resolved_at = $2, clear_value = $3, notified_at = NULL,
    notify_due_at = CASE WHEN fired_at IS NULL THEN NULL ELSE $2::bigint - ${NEVER_TOLD_SHIFT_MS} END, change_seq = $4
  WHERE id = $1 AND state <> 'resolved' RETURNING ${ALERT_COLUMNS}`;

function ruleValues(rule: NewAlertRule): SqlValue[] {
  return [rule.name, rule.severity, JSON.stringify(rule.scope), JSON.stringify(rule.condition), rule.isEnabled, JSON.stringify(rule.channelIds), rule.atMs];
}

/** A unique violation of the channels' names as the error the check would have given (a name taken meanwhile). */
function asNameTaken(error: unknown, name: string | undefined): unknown {
  const cause = isOpenTpsError(error) ? error.cause : error;
  if (typeof cause === 'object' && cause !== null && 'constraint' in cause && cause.constraint === 'notification_channels_by_name') {
    return new OpenTpsError('ERR_CHANNEL_NAME_TAKEN', name ?? '', { cause: error });
  }
  return error;
}

async function requireChannel(tx: SqlRunner, id: number): Promise<ChannelRow> {
  const { rows } = await tx.query<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  if (!row) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
  return row;
}

async function checkChannelName(tx: SqlRunner, name: string, channelId: number | null): Promise<void> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM notification_channels WHERE lower(name) = lower($1)', [name]);
  const named = rows[0];
  if (named && Number(named.id) !== channelId) throw new OpenTpsError('ERR_CHANNEL_NAME_TAKEN', name);
}

export function createPostgresAlertRepo(db: PostgresDatabase): AlertStore {
  const reads = createAlertReads(createPostgresReader(db), POSTGRES_DIALECT);

  return {
    ...reads,
    ...createPostgresAlertOutboxRepo(db),
    async addAlertRule(rule) {
      const { rows } = await db.write<AlertRuleRow>(
        `INSERT INTO alert_rules (name, severity, rule_scope, rule_condition, is_enabled, channel_ids, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING ${ALERT_RULE_COLUMNS}`,
        ruleValues(rule),
      );
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'alert rule vanished after insert');
      return toAlertRule(row);
    },
    async replaceAlertRule(id, rule) {
      const { rows } = await db.write<AlertRuleRow>(
        `UPDATE alert_rules SET name = $1, severity = $2, rule_scope = $3, rule_condition = $4, is_enabled = $5, channel_ids = $6,
           version = version + 1, updated_at = $7 WHERE id = $8 RETURNING ${ALERT_RULE_COLUMNS}`,
        [...ruleValues(rule), id],
      );
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
      return toAlertRule(row);
    },
    async deleteAlertRule(id, atMs) {
      await inAlertChange(db, async (tx, seq) => {
        const { rows: rule } = await tx.query('SELECT id FROM alert_rules WHERE id = $1 FOR UPDATE', [id]);
        if (rule.length === 0) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
        const { rows: open } = await tx.query<{ id: number }>("SELECT id FROM alerts WHERE rule_id = $1 AND state <> 'resolved' ORDER BY id", [id]);
        for (const alert of open) await changeAlert(tx, seq, RESOLVE, (next) => [alert.id, atMs, writeValue('rule deleted'), next]);
        await tx.query('DELETE FROM alert_rules WHERE id = $1', [id]);
      });
    },
    openAlert(alert) {
      // The rule's name and severity as they are now; no row (null) when the rule is gone.
      return inAlertChange(db, (tx, seq) =>
        changeAlert(
          tx,
          seq,
          `INSERT INTO alerts (rule_id, rule_version, rule_name, severity, subject_id, cwm_id, site_id, state, opened_at, fired_at,
             trigger_value, clear_value, summary, notify_due_at, change_seq)
           SELECT r.id, $2::integer, r.name, r.severity, $3::text, $4::text, $5::bigint, $6::text, $7::bigint,
             CASE WHEN $6::text = 'firing' THEN $7::bigint END, $8::text, 'null', $9::text,
             CASE WHEN $6::text = 'firing' THEN $7::bigint - ${NEVER_TOLD_SHIFT_MS} END, $10::bigint
           FROM alert_rules r WHERE r.id = $1::bigint
           ON CONFLICT DO NOTHING RETURNING ${ALERT_COLUMNS}`,
          (next) => [alert.ruleId, alert.ruleVersion, alert.subjectId, alert.cwmId, alert.siteId, alert.state, alert.atMs, writeValue(alert.triggerValue), alert.summary, next],
        ),
      );
    },
    fireAlert(alertId, atMs, triggerValue) {
      return inAlertChange(db, (tx, seq) =>
        changeAlert(
          tx,
          seq,
          `UPDATE alerts SET state = 'firing', fired_at = $2, trigger_value = $3, notified_at = NULL,
             notify_due_at = $2::bigint - ${NEVER_TOLD_SHIFT_MS}, change_seq = $4
           WHERE id = $1 AND state = 'pending' RETURNING ${ALERT_COLUMNS}`,
          (next) => [alertId, atMs, writeValue(triggerValue), next],
        ),
      );
    },
    resolveAlert(alertId, atMs, clearValue) {
      return inAlertChange(db, (tx, seq) => changeAlert(tx, seq, RESOLVE, (next) => [alertId, atMs, writeValue(clearValue), next]));
    },
    acknowledgeAlert(alertId, actor, note, atMs) {
      return inAlertChange(db, async (tx, seq) => {
        const changed = await changeAlert(
          tx,
          seq,
          `UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3, acknowledgement_note = $4, change_seq = $5
           WHERE id = $1 AND acknowledged_at IS NULL RETURNING ${ALERT_COLUMNS}`,
          (next) => [alertId, atMs, actor, note, next],
        );
        if (changed) return changed;
        // Acknowledged before (the first acknowledgement stays), or no such alert.
        const { rows } = await tx.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [alertId]);
        const row = rows[0];
        if (!row) throw new OpenTpsError('ERR_ALERT_NOT_FOUND', String(alertId));
        return toAlert(row);
      });
    },
    async pruneResolvedAlerts(beforeMs) {
      const result = await db.write("DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < $1", [beforeMs]);
      return result.rowCount ?? 0;
    },
    async addSilence(silence) {
      const { rows } = await db.write<SilenceRow>(
        `INSERT INTO alert_silences (rule_id, site_id, device_id, until_at, reason, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SILENCE_COLUMNS}`,
        [silence.ruleId, silence.siteId, silence.deviceId, silence.untilMs, silence.reason, silence.createdBy, silence.createdAtMs],
      );
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'silence vanished after insert');
      return toSilence(row);
    },
    async deleteSilence(id) {
      const result = await db.write('DELETE FROM alert_silences WHERE id = $1', [id]);
      if ((result.rowCount ?? 0) === 0) throw new OpenTpsError('ERR_SILENCE_NOT_FOUND', String(id));
    },
    async addChannel(channel): Promise<ChannelRecord> {
      try {
        return await db.transaction(async (tx) => {
          await checkChannelName(tx, channel.name, null);
          const { rows } = await tx.query<ChannelRow>(
            `INSERT INTO notification_channels (name, target, secret, is_enabled, min_severity, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CHANNEL_COLUMNS}`,
            [channel.name, JSON.stringify(channel.target), channel.secret, channel.isEnabled, channel.minSeverity, channel.atMs],
          );
          const row = rows[0];
          if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'channel vanished after insert');
          return toChannel(row);
        });
      } catch (error) {
        throw asNameTaken(error, channel.name);
      }
    },
    async updateChannel(id, changes) {
      try {
        return await db.transaction(async (tx) => {
          const current = toChannel(await requireChannel(tx, id));
          if (changes.name !== undefined) await checkChannelName(tx, changes.name, id);
          const { rows } = await tx.query<ChannelRow>(
            `UPDATE notification_channels SET name = $2, target = $3, is_enabled = $4, min_severity = $5 WHERE id = $1 RETURNING ${CHANNEL_COLUMNS}`,
            [id, changes.name ?? current.name, JSON.stringify(changes.target ?? current.target), changes.isEnabled ?? current.isEnabled, changes.minSeverity ?? current.minSeverity],
          );
          const row = rows[0];
          if (!row) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
          return toChannel(row);
        });
      } catch (error) {
        throw asNameTaken(error, changes.name);
      }
    },
    async deleteChannel(id) {
      await db.transaction(async (tx) => {
        // The entries first, then the channel: the order a delivery's outcome locks them in (outbox entry, then its
        // channel), so the two never wait for each other. Rules keep the id in their channelIds (an identity is never
        // given again); the notifier skips it.
        await tx.query("DELETE FROM notification_outbox WHERE channel_id = $1 AND state <> 'delivered'", [id]);
        await requireChannel(tx, id);
        await tx.query('DELETE FROM notification_channels WHERE id = $1', [id]);
      });
    },
  };
}
