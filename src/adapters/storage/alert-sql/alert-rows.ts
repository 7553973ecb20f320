// Rows of the alert tables (domain/alerts/alert-store.ts) as both stores keep them, and their records: JSON
// columns are TEXT written with JSON.stringify, booleans 0/1 (SQLite) or BOOLEAN (PostgreSQL), times epoch ms.

import { ALERT_SEVERITIES, type AlertCondition, type AlertScope, type AlertSeverity } from '../../../domain/alerts/alert-rule.js';
import type {
  AlertRecord,
  AlertRuleRecord,
  AlertState,
  AlertValue,
  ChannelRecord,
  ChannelTarget,
  OutboxRecord,
  OutboxState,
  SilenceRecord,
} from '../../../domain/alerts/alert-store.js';
import { readJsonObject } from '../stored-rows/stored-json.js';

/**
 * `alerts.notify_due_at` orders the alerts a notification may be due for, so that one index range
 * (`notify_due_at <= repeatBeforeMs`) finds all of them: an alert never told in its state (fired, or resolved
 * after firing) is keyed by its change time minus this shift, below every repeat cut-off and in time order; a
 * firing alert already told is keyed by when it was told (due again once that is at or before the cut-off);
 * pending alerts and resolutions already told are NULL (outside the partial index). 2^52 ms keeps every key a
 * safe integer for any epoch time before the year 144,000.
 */
export const NEVER_TOLD_SHIFT_MS = 2 ** 52;

export interface AlertRuleRow {
  id: number;
  name: string;
  severity: string;
  rule_scope: string;
  rule_condition: string;
  is_enabled: number | boolean;
  channel_ids: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export const ALERT_RULE_COLUMNS = 'id, name, severity, rule_scope, rule_condition, is_enabled, channel_ids, version, created_at, updated_at';

export interface AlertRow {
  id: number;
  rule_id: number;
  rule_version: number;
  rule_name: string;
  severity: string;
  subject_id: string;
  cwm_id: string;
  site_id: number | null;
  state: string;
  opened_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  trigger_value: string;
  clear_value: string;
  summary: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
  notified_at: number | null;
  change_seq: number;
}

export const ALERT_COLUMNS = `id, rule_id, rule_version, rule_name, severity, subject_id, cwm_id, site_id, state, opened_at, fired_at,
  resolved_at, trigger_value, clear_value, summary, acknowledged_at, acknowledged_by, acknowledgement_note, notified_at, change_seq`;

export interface SilenceRow {
  id: number;
  rule_id: number | null;
  site_id: number | null;
  device_id: string | null;
  until_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

export const SILENCE_COLUMNS = 'id, rule_id, site_id, device_id, until_at, reason, created_by, created_at';

export interface ChannelRow {
  id: number;
  name: string;
  target: string;
  secret: string | null;
  is_enabled: number | boolean;
  min_severity: string;
  created_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
}

export const CHANNEL_COLUMNS = 'id, name, target, secret, is_enabled, min_severity, created_at, last_success_at, last_failure_at, last_failure';

export interface OutboxRow {
  id: number;
  channel_id: number;
  rule_id: number;
  message_id: string;
  payload: string;
  state: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

export const OUTBOX_COLUMNS = 'id, channel_id, rule_id, message_id, payload, state, created_at, attempts, next_attempt_at, last_attempt_at, last_error, delivered_at';

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

export function toSeverity(value: string): AlertSeverity {
  return ALERT_SEVERITIES.find((severity) => severity === value) ?? 'warning';
}

/** 0 for the worst severity (critical), up to 3 (warning). */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

function toAlertState(value: string): AlertState {
  return value === 'pending' || value === 'firing' ? value : 'resolved';
}

function toOutboxState(value: string): OutboxState {
  return value === 'queued' || value === 'delivered' ? value : 'failed';
}

function readValue(text: string): AlertValue {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return readJsonObject(text);
}

export function writeValue(value: AlertValue): string {
  return JSON.stringify(value);
}

export function toAlertRule(row: AlertRuleRow): AlertRuleRecord {
  const channelIds: unknown = JSON.parse(row.channel_ids);
  return {
    id: Number(row.id),
    version: Number(row.version),
    name: row.name,
    severity: toSeverity(row.severity),
    // Written by this store from a rule the domain validated (alert-rule-validation.ts).
    scope: JSON.parse(row.rule_scope) as AlertScope,
    condition: JSON.parse(row.rule_condition) as AlertCondition,
    isEnabled: Boolean(row.is_enabled),
    channelIds: Array.isArray(channelIds) ? channelIds.filter((id): id is number => typeof id === 'number') : [],
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
  };
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: Number(row.id),
    ruleId: Number(row.rule_id),
    ruleVersion: Number(row.rule_version),
    ruleName: row.rule_name,
    severity: toSeverity(row.severity),
    subjectId: row.subject_id,
    cwmId: row.cwm_id,
    siteId: nullableNumber(row.site_id),
    state: toAlertState(row.state),
    openedAtMs: Number(row.opened_at),
    firedAtMs: nullableNumber(row.fired_at),
    resolvedAtMs: nullableNumber(row.resolved_at),
    triggerValue: readValue(row.trigger_value),
    clearValue: readValue(row.clear_value),
    summary: row.summary,
    acknowledgedAtMs: nullableNumber(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    acknowledgementNote: row.acknowledgement_note,
    notifiedAtMs: nullableNumber(row.notified_at),
    changeSeq: Number(row.change_seq),
  };
}

export function toSilence(row: SilenceRow): SilenceRecord {
  return {
    id: Number(row.id),
    ruleId: nullableNumber(row.rule_id),
    siteId: nullableNumber(row.site_id),
    deviceId: row.device_id,
    untilMs: Number(row.until_at),
    reason: row.reason,
    createdBy: row.created_by,
    createdAtMs: Number(row.created_at),
  };
}

export function toChannel(row: ChannelRow): ChannelRecord {
  return {
    id: Number(row.id),
    name: row.name,
    // Written by this store from a target the domain validated (webhook-target.ts).
    target: JSON.parse(row.target) as ChannelTarget,
    secret: row.secret,
    isEnabled: Boolean(row.is_enabled),
    minSeverity: toSeverity(row.min_severity),
    createdAtMs: Number(row.created_at),
    lastSuccessAtMs: nullableNumber(row.last_success_at),
    lastFailureAtMs: nullableNumber(row.last_failure_at),
    lastFailure: row.last_failure,
  };
}

export function toOutbox(row: OutboxRow): OutboxRecord {
  return {
    id: Number(row.id),
    channelId: Number(row.channel_id),
    ruleId: Number(row.rule_id),
    messageId: row.message_id,
    payload: readJsonObject(row.payload) ?? {},
    state: toOutboxState(row.state),
    createdAtMs: Number(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAtMs: Number(row.next_attempt_at),
    lastAttemptAtMs: nullableNumber(row.last_attempt_at),
    lastError: row.last_error,
    deliveredAtMs: nullableNumber(row.delivered_at),
  };
}
