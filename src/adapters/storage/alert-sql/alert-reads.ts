// The alert store's reads (domain/alerts/alert-store.ts) in SQL both backends run: rules, alerts (the console's
// filtered page, badges, counts, the changes nodes follow, what a notification may be due for), silences,
// channels and the outbox. Each list is one index range of the migrations' indexes (sqlite-migrations.ts).

import type { AlertSeverity } from '../../../domain/alerts/alert-rule.js';
import type {
  AlertBadge,
  AlertCounts,
  AlertPage,
  AlertQuery,
  AlertRecord,
  AlertRuleRecord,
  AlertStore,
  ChannelRecord,
  OutboxRecord,
  SilenceRecord,
} from '../../../domain/alerts/alert-store.js';
import { SqlParams, type SqlDialect, type SqlReader } from '../fleet-sql/sql-dialect.js';
import {
  ALERT_COLUMNS,
  ALERT_RULE_COLUMNS,
  CHANNEL_COLUMNS,
  OUTBOX_COLUMNS,
  SILENCE_COLUMNS,
  severityRank,
  toAlert,
  toAlertRule,
  toChannel,
  toOutbox,
  toSeverity,
  toSilence,
  type AlertRow,
  type AlertRuleRow,
  type ChannelRow,
  type OutboxRow,
  type SilenceRow,
} from './alert-rows.js';

/** The reads of AlertStore; the writes are each backend's own. */
export type AlertReads = Pick<
  AlertStore,
  | 'listAlertRules'
  | 'findAlertRule'
  | 'findAlert'
  | 'queryAlerts'
  | 'listOpenAlerts'
  | 'listAlertChanges'
  | 'countOpenAlertsByDevice'
  | 'countOpenAlerts'
  | 'listAlertsToNotify'
  | 'listSilences'
  | 'listChannels'
  | 'findChannel'
  | 'queryNotifications'
>;

/** Open alerts as two ranges of alerts_by_state (a planner may not see that `state <> 'resolved'` is a small part). */
const OPEN = "state IN ('pending', 'firing')";
/** The same for badges: written so, SQLite looks the ids up in alerts_by_subject / alerts_by_cwm instead. */
const NOT_RESOLVED = "state <> 'resolved'";

interface BadgeRow {
  device_id: string;
  state: string;
  severity: string;
  n: number;
}

/** Badges from per-(device, state, severity) counts: firing and pending, and the worst severity of those firing (else pending). */
function toBadges(rows: readonly BadgeRow[]): AlertBadge[] {
  const badges = new Map<string, { firing: number; pending: number; worstFiring: AlertSeverity | null; worstPending: AlertSeverity | null }>();
  const worse = (a: AlertSeverity | null, b: AlertSeverity): AlertSeverity => (a === null || severityRank(b) < severityRank(a) ? b : a);
  for (const row of rows) {
    const badge = badges.get(row.device_id) ?? { firing: 0, pending: 0, worstFiring: null, worstPending: null };
    const severity = toSeverity(row.severity);
    if (row.state === 'firing') {
      badge.firing += Number(row.n);
      badge.worstFiring = worse(badge.worstFiring, severity);
    } else {
      badge.pending += Number(row.n);
      badge.worstPending = worse(badge.worstPending, severity);
    }
    badges.set(row.device_id, badge);
  }
  return [...badges]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([deviceId, badge]) => ({ deviceId, firing: badge.firing, pending: badge.pending, worstSeverity: badge.worstFiring ?? badge.worstPending ?? 'warning' }));
}

export function createAlertReads(reader: SqlReader, dialect: SqlDialect): AlertReads {
  const alerts = async (build: (params: SqlParams) => string): Promise<AlertRecord[]> => {
    const params = new SqlParams(dialect);
    const text = build(params);
    return (await reader.all<AlertRow>(params.statement(text))).map(toAlert);
  };

  /** The WHERE of an alert query; built once per statement (SQLite's placeholders are positional). */
  const alertConditions = (query: AlertQuery, params: SqlParams): string => {
    const conditions: string[] = [];
    if (query.states !== null) conditions.push(query.states.length === 0 ? '1 = 0' : dialect.isOneOf('state', params.add(dialect.listParam([...query.states]))));
    if (query.ruleId !== null) conditions.push(`rule_id = ${params.add(query.ruleId)}`);
    if (query.deviceId !== null) conditions.push(`(subject_id = ${params.add(query.deviceId)} OR cwm_id = ${params.add(query.deviceId)})`);
    if (query.siteId !== null) conditions.push(`site_id = ${params.add(query.siteId)}`);
    if (query.severity !== null) conditions.push(`severity = ${params.add(query.severity)}`);
    if (query.isAcknowledged !== null) conditions.push(query.isAcknowledged ? 'acknowledged_at IS NOT NULL' : 'acknowledged_at IS NULL');
    return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  };

  return {
    async listAlertRules(): Promise<AlertRuleRecord[]> {
      const rows = await reader.all<AlertRuleRow>({ text: `SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules ORDER BY id`, values: [] });
      return rows.map(toAlertRule);
    },
    async findAlertRule(id) {
      const params = new SqlParams(dialect);
      const rows = await reader.all<AlertRuleRow>(params.statement(`SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules WHERE id = ${params.add(id)}`));
      const row = rows[0];
      return row ? toAlertRule(row) : null;
    },
    async findAlert(id) {
      return (await alerts((params) => `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ${params.add(id)}`))[0] ?? null;
    },
    async queryAlerts(query): Promise<AlertPage> {
      const countParams = new SqlParams(dialect);
      const pageParams = new SqlParams(dialect);
      const countText = `SELECT count(*) AS n FROM alerts ${alertConditions(query, countParams)}`;
      const pageText = `SELECT ${ALERT_COLUMNS} FROM alerts ${alertConditions(query, pageParams)}
        ORDER BY change_seq DESC, id DESC LIMIT ${pageParams.add(query.limit)} OFFSET ${pageParams.add(query.offset)}`;
      const [counted, rows] = await Promise.all([
        reader.all<{ n: number }>(countParams.statement(countText)),
        reader.all<AlertRow>(pageParams.statement(pageText)),
      ]);
      return { items: rows.map(toAlert), total: Number(counted[0]?.n ?? 0) };
    },
    listOpenAlerts() {
      return alerts(() => `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${OPEN} ORDER BY id`);
    },
    listAlertChanges(afterSeq, limit) {
      return alerts((params) => `SELECT ${ALERT_COLUMNS} FROM alerts WHERE change_seq > ${params.add(afterSeq)} ORDER BY change_seq LIMIT ${params.add(limit)}`);
    },
    async countOpenAlertsByDevice(deviceIds): Promise<AlertBadge[]> {
      if (deviceIds.length === 0) return [];
      const params = new SqlParams(dialect);
      const ids = [...new Set(deviceIds)];
      // By subject, and by CWM for alerts about its equipment (an alert about the CWM itself is counted once).
      const rows = await reader.all<BadgeRow>(params.statement(
        `SELECT subject_id AS device_id, state, severity, count(*) AS n FROM alerts
           WHERE ${dialect.isOneOf('subject_id', params.add(dialect.listParam(ids)))} AND ${NOT_RESOLVED} GROUP BY subject_id, state, severity
         UNION ALL
         SELECT cwm_id AS device_id, state, severity, count(*) AS n FROM alerts
           WHERE ${dialect.isOneOf('cwm_id', params.add(dialect.listParam(ids)))} AND ${NOT_RESOLVED} AND subject_id <> cwm_id GROUP BY cwm_id, state, severity`,
      ));
      return toBadges(rows);
    },
    async countOpenAlerts(): Promise<AlertCounts> {
      const rows = await reader.all<{ state: string; severity: string; unacknowledged: number; n: number }>({
        text: `SELECT state, severity, count(*) AS n, count(*) - count(acknowledged_at) AS unacknowledged FROM alerts WHERE ${OPEN} GROUP BY state, severity`,
        values: [],
      });
      const bySeverity: Record<AlertSeverity, number> = { critical: 0, major: 0, minor: 0, warning: 0 };
      let firing = 0;
      let pending = 0;
      let firingUnacknowledged = 0;
      for (const row of rows) {
        if (row.state === 'firing') {
          firing += Number(row.n);
          firingUnacknowledged += Number(row.unacknowledged);
          // Firing alerts only: a pending one has not happened yet (its duration is still running).
          bySeverity[toSeverity(row.severity)] += Number(row.n);
        } else {
          pending += Number(row.n);
        }
      }
      return { firing, pending, firingUnacknowledged, bySeverity };
    },
    listAlertsToNotify(_nowMs, repeatBeforeMs, limit) {
      // One range of alerts_by_notify_due (see NEVER_TOLD_SHIFT_MS): never told first, then the longest untold repeats.
      return alerts((params) => `SELECT ${ALERT_COLUMNS} FROM alerts WHERE notify_due_at <= ${params.add(repeatBeforeMs)} ORDER BY notify_due_at, id LIMIT ${params.add(limit)}`);
    },
    async listSilences(nowMs): Promise<SilenceRecord[]> {
      const params = new SqlParams(dialect);
      const rows = await reader.all<SilenceRow>(params.statement(`SELECT ${SILENCE_COLUMNS} FROM alert_silences WHERE until_at > ${params.add(nowMs)} ORDER BY until_at, id`));
      return rows.map(toSilence);
    },
    async listChannels(): Promise<ChannelRecord[]> {
      const rows = await reader.all<ChannelRow>({ text: `SELECT ${CHANNEL_COLUMNS} FROM notification_channels ORDER BY id`, values: [] });
      return rows.map(toChannel);
    },
    async findChannel(id) {
      const params = new SqlParams(dialect);
      const rows = await reader.all<ChannelRow>(params.statement(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = ${params.add(id)}`));
      const row = rows[0];
      return row ? toChannel(row) : null;
    },
    async queryNotifications(query): Promise<{ items: OutboxRecord[]; total: number }> {
      const where = (params: SqlParams): string => {
        const conditions: string[] = [];
        if (query.channelId !== null) conditions.push(`channel_id = ${params.add(query.channelId)}`);
        if (query.state !== null) conditions.push(`state = ${params.add(query.state)}`);
        return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      };
      const countParams = new SqlParams(dialect);
      const pageParams = new SqlParams(dialect);
      const countText = `SELECT count(*) AS n FROM notification_outbox ${where(countParams)}`;
      const pageText = `SELECT ${OUTBOX_COLUMNS} FROM notification_outbox ${where(pageParams)} ORDER BY id DESC LIMIT ${pageParams.add(query.limit)} OFFSET ${pageParams.add(query.offset)}`;
      const [counted, rows] = await Promise.all([
        reader.all<{ n: number }>(countParams.statement(countText)),
        reader.all<OutboxRow>(pageParams.statement(pageText)),
      ]);
      return { items: rows.map(toOutbox), total: Number(counted[0]?.n ?? 0) };
    },
  };
}
