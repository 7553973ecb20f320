// Alert rules, alerts, silences and notification channels in the embedded store (domain/alerts/alert-store.ts);
// the outbox is in sqlite-alert-outbox-repo.ts, the reads in alert-sql/alert-reads.ts. Every change is one batch
// transaction; an alert's change takes the next number of alert_change_counter only when its conditional UPDATE
// (state in the WHERE) changed the row, so the numbers nodes follow have no gaps a reader could wonder about.

import type { Database } from 'better-sqlite3';
import type { AlertRecord, AlertRuleRecord, AlertStore, AlertValue, ChannelRecord, NewAlertRule } from '../../../domain/alerts/alert-store.js';
import { OpenTpsError } from '../../../errors.js';
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
import { createSqliteAlertOutboxRepo } from './sqlite-alert-outbox-repo.js';
import { SQLITE_DIALECT } from './sqlite-fleet-queries.js';
import { createSqliteReader } from './sqlite-sql-reader.js';
import type { WriteBatcher } from './write-batcher.js';

/** Numbers alert changes inside a batch transaction: `next()` is the number a change would take, `take()` keeps it. */
export interface AlertChangeCounter {
  next(): number;
  take(seq: number): void;
}

export function createAlertChangeCounter(db: Database): AlertChangeCounter {
  const peek = db.prepare<[], { value: number }>('SELECT value FROM alert_change_counter WHERE id = 1');
  const store = db.prepare('UPDATE alert_change_counter SET value = ? WHERE id = 1');
  return {
    next: () => (peek.get()?.value ?? 0) + 1,
    take: (seq) => {
      store.run(seq);
    },
  };
}

const RESOLVE = `UPDATE alerts SET state = 'resolved', resolved_at = @at, clear_value = @value, notified_at = NULL,
    notify_due_at = CASE WHEN fired_at IS NULL THEN NULL ELSE @at - ${NEVER_TOLD_SHIFT_MS} END, change_seq = @seq
  WHERE id = @id AND state <> 'resolved' RETURNING ${ALERT_COLUMNS}`;

function ruleValues(rule: NewAlertRule) {
  return {
    name: rule.name,
    severity: rule.severity,
    scope: JSON.stringify(rule.scope),
    condition: JSON.stringify(rule.condition),
    isEnabled: rule.isEnabled ? 1 : 0,
    channelIds: JSON.stringify(rule.channelIds),
    at: rule.atMs,
  };
}

export function createSqliteAlertRepo(db: Database, batcher: WriteBatcher): AlertStore {
  const reads = createAlertReads(createSqliteReader(db), SQLITE_DIALECT);
  const counter = createAlertChangeCounter(db);
  const insertRule = db.prepare<[ReturnType<typeof ruleValues>], AlertRuleRow>(
    `INSERT INTO alert_rules (name, severity, rule_scope, rule_condition, is_enabled, channel_ids, version, created_at, updated_at)
     VALUES (@name, @severity, @scope, @condition, @isEnabled, @channelIds, 1, @at, @at) RETURNING ${ALERT_RULE_COLUMNS}`,
  );
  const replaceRule = db.prepare<[ReturnType<typeof ruleValues> & { id: number }], AlertRuleRow>(
    `UPDATE alert_rules SET name = @name, severity = @severity, rule_scope = @scope, rule_condition = @condition, is_enabled = @isEnabled,
       channel_ids = @channelIds, version = version + 1, updated_at = @at WHERE id = @id RETURNING ${ALERT_RULE_COLUMNS}`,
  );
  const selectRuleId = db.prepare<[number], { id: number }>('SELECT id FROM alert_rules WHERE id = ?');
  const deleteRule = db.prepare('DELETE FROM alert_rules WHERE id = ?');
  const openOfRule = db.prepare<[number], { id: number }>("SELECT id FROM alerts WHERE rule_id = ? AND state <> 'resolved' ORDER BY id");
  // The rule's name and severity as they are now; no row (null) when the rule was deleted meanwhile.
  const insertAlert = db.prepare<[Record<string, string | number | null>], AlertRow>(
    `INSERT INTO alerts (rule_id, rule_version, rule_name, severity, subject_id, cwm_id, site_id, state, opened_at, fired_at,
       trigger_value, clear_value, summary, notify_due_at, change_seq)
     SELECT r.id, @version, r.name, r.severity, @subject, @cwm, @site, @state, @at, CASE WHEN @state = 'firing' THEN @at END,
       @value, 'null', @summary, CASE WHEN @state = 'firing' THEN @at - ${NEVER_TOLD_SHIFT_MS} END, @seq
     FROM alert_rules r WHERE r.id = @ruleId
     ON CONFLICT DO NOTHING RETURNING ${ALERT_COLUMNS}`,
  );
  const fire = db.prepare<[{ id: number; at: number; value: string; seq: number }], AlertRow>(
    `UPDATE alerts SET state = 'firing', fired_at = @at, trigger_value = @value, notified_at = NULL,
       notify_due_at = @at - ${NEVER_TOLD_SHIFT_MS}, change_seq = @seq
     WHERE id = @id AND state = 'pending' RETURNING ${ALERT_COLUMNS}`,
  );
  const resolve = db.prepare<[{ id: number; at: number; value: string; seq: number }], AlertRow>(RESOLVE);
  const acknowledge = db.prepare<[{ id: number; at: number; actor: string; note: string; seq: number }], AlertRow>(
    `UPDATE alerts SET acknowledged_at = @at, acknowledged_by = @actor, acknowledgement_note = @note, change_seq = @seq
     WHERE id = @id AND acknowledged_at IS NULL RETURNING ${ALERT_COLUMNS}`,
  );
  const selectAlert = db.prepare<[number], AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`);
  const pruneAlerts = db.prepare("DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?");
  const insertSilence = db.prepare<[Record<string, string | number | null>], SilenceRow>(
    `INSERT INTO alert_silences (rule_id, site_id, device_id, until_at, reason, created_by, created_at)
     VALUES (@ruleId, @siteId, @deviceId, @until, @reason, @by, @at) RETURNING ${SILENCE_COLUMNS}`,
  );
  const deleteSilence = db.prepare('DELETE FROM alert_silences WHERE id = ?');
  const selectChannel = db.prepare<[number], ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = ?`);
  // The name column is COLLATE NOCASE: this finds the name in any case.
  const selectChannelNamed = db.prepare<[string], { id: number }>('SELECT id FROM notification_channels WHERE name = ?');
  const insertChannel = db.prepare<[Record<string, string | number | null>], ChannelRow>(
    `INSERT INTO notification_channels (name, target, secret, is_enabled, min_severity, created_at)
     VALUES (@name, @target, @secret, @isEnabled, @minSeverity, @at) RETURNING ${CHANNEL_COLUMNS}`,
  );
  const updateChannel = db.prepare<[Record<string, string | number | null>], ChannelRow>(
    `UPDATE notification_channels SET name = @name, target = @target, is_enabled = @isEnabled, min_severity = @minSeverity
     WHERE id = @id RETURNING ${CHANNEL_COLUMNS}`,
  );
  const deleteChannel = db.prepare('DELETE FROM notification_channels WHERE id = ?');
  const deleteUndelivered = db.prepare("DELETE FROM notification_outbox WHERE channel_id = ? AND state <> 'delivered'");

  /** Runs one conditional change of an alert with the next change number; the number is kept only if a row changed. */
  const changeAlert = (change: (seq: number) => AlertRow | undefined): AlertRecord | null => {
    const seq = counter.next();
    const row = change(seq);
    if (!row) return null;
    counter.take(seq);
    return toAlert(row);
  };
  const checkChannelName = (name: string, channelId: number | null): void => {
    const named = selectChannelNamed.get(name);
    if (named && named.id !== channelId) throw new OpenTpsError('ERR_CHANNEL_NAME_TAKEN', name);
  };
  const requireChannel = (id: number): ChannelRow => {
    const row = selectChannel.get(id);
    if (!row) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
    return row;
  };

  return {
    ...reads,
    ...createSqliteAlertOutboxRepo(db, batcher, counter),
    addAlertRule(rule): Promise<AlertRuleRecord> {
      return batcher.run(() => {
        const row = insertRule.get(ruleValues(rule));
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'alert rule vanished after insert');
        return toAlertRule(row);
      });
    },
    replaceAlertRule(id, rule) {
      return batcher.run(() => {
        const row = replaceRule.get({ ...ruleValues(rule), id });
        if (!row) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
        return toAlertRule(row);
      });
    },
    deleteAlertRule(id, atMs) {
      return batcher.run(() => {
        if (!selectRuleId.get(id)) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
        for (const open of openOfRule.all(id)) {
          changeAlert((seq) => resolve.get({ id: open.id, at: atMs, value: writeValue('rule deleted'), seq }));
        }
        deleteRule.run(id);
      });
    },
    openAlert(alert) {
      return batcher.run(() =>
        changeAlert((seq) =>
          insertAlert.get({
            ruleId: alert.ruleId,
            version: alert.ruleVersion,
            subject: alert.subjectId,
            cwm: alert.cwmId,
            site: alert.siteId,
            state: alert.state,
            at: alert.atMs,
            value: writeValue(alert.triggerValue),
            summary: alert.summary,
            seq,
          }),
        ),
      );
    },
    fireAlert(alertId, atMs, triggerValue: AlertValue) {
      return batcher.run(() => changeAlert((seq) => fire.get({ id: alertId, at: atMs, value: writeValue(triggerValue), seq })));
    },
    resolveAlert(alertId, atMs, clearValue) {
      return batcher.run(() => changeAlert((seq) => resolve.get({ id: alertId, at: atMs, value: writeValue(clearValue), seq })));
    },
    acknowledgeAlert(alertId, actor, note, atMs) {
      return batcher.run(() => {
        const changed = changeAlert((seq) => acknowledge.get({ id: alertId, at: atMs, actor, note, seq }));
        if (changed) return changed;
        // Acknowledged before (the first acknowledgement stays), or no such alert.
        const row = selectAlert.get(alertId);
        if (!row) throw new OpenTpsError('ERR_ALERT_NOT_FOUND', String(alertId));
        return toAlert(row);
      });
    },
    pruneResolvedAlerts(beforeMs) {
      return batcher.run(() => pruneAlerts.run(beforeMs).changes);
    },
    addSilence(silence) {
      return batcher.run(() => {
        const row = insertSilence.get({
          ruleId: silence.ruleId,
          siteId: silence.siteId,
          deviceId: silence.deviceId,
          until: silence.untilMs,
          reason: silence.reason,
          by: silence.createdBy,
          at: silence.createdAtMs,
        });
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'silence vanished after insert');
        return toSilence(row);
      });
    },
    deleteSilence(id) {
      return batcher.run(() => {
        if (deleteSilence.run(id).changes === 0) throw new OpenTpsError('ERR_SILENCE_NOT_FOUND', String(id));
      });
    },
    addChannel(channel): Promise<ChannelRecord> {
      return batcher.run(() => {
        checkChannelName(channel.name, null);
        const row = insertChannel.get({
          name: channel.name,
          target: JSON.stringify(channel.target),
          secret: channel.secret,
          isEnabled: channel.isEnabled ? 1 : 0,
          minSeverity: channel.minSeverity,
          at: channel.atMs,
        });
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'channel vanished after insert');
        return toChannel(row);
      });
    },
    updateChannel(id, changes) {
      return batcher.run(() => {
        const current = toChannel(requireChannel(id));
        if (changes.name !== undefined) checkChannelName(changes.name, id);
        const row = updateChannel.get({
          id,
          name: changes.name ?? current.name,
          target: JSON.stringify(changes.target ?? current.target),
          isEnabled: (changes.isEnabled ?? current.isEnabled) ? 1 : 0,
          minSeverity: changes.minSeverity ?? current.minSeverity,
        });
        if (!row) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', String(id));
        return toChannel(row);
      });
    },
    deleteChannel(id) {
      return batcher.run(() => {
        requireChannel(id);
        // Rules keep the id in their channelIds (never given to another channel: AUTOINCREMENT); the notifier skips it.
        deleteUndelivered.run(id);
        deleteChannel.run(id);
      });
    },
  };
}
