// Alerts become notifications (issue 16: "told to the right people once"): the alerts due (from the store's
// index on when each is due), less the silenced ones, grouped by rule and held for the grouping window
// (notification-policy.ts), written to the durable outbox for each channel of the rule, with the alerts marked
// told in the same transaction. The mark is conditional on each alert's change sequence, so when two nodes run
// this at once only one group's entries are written.

import type { Clock } from '../clock.js';
import { ALERT_SEVERITIES, type AlertSeverity } from './alert-rule.js';
import type { AlertRecord, AlertRuleRecord, AlertStore, ChannelRecord } from './alert-store.js';
import { notificationsDue, type AlertForNotice, type NotificationGroup, type NotificationTiming } from './notification-policy.js';

const DUE_BATCH = 1000;

export interface NotifierDeps {
  readonly store: Pick<AlertStore, 'listAlertsToNotify' | 'listSilences' | 'listChannels' | 'findAlertRule' | 'enqueueNotifications'>;
  readonly clock: Clock;
  readonly timing: NotificationTiming;
  /** The webhook body (and the e-mail's source) of one group. */
  readonly buildPayload: (group: NotificationGroup, alerts: readonly AlertRecord[], rule: AlertRuleRecord, atMs: number) => Readonly<Record<string, unknown>>;
  /** A new `webhook-id` (unique per notification, the same across its retries). */
  readonly newMessageId: () => string;
}

export interface NotifyReport {
  readonly groups: number;
  readonly entries: number;
  /** Alerts due but not told this time: muted by a silence, or waiting for their group's window. */
  readonly held: number;
}

export interface AlertNotifier {
  runOnce(): Promise<NotifyReport>;
}

/** Whether `severity` is at least as bad as `least` (critical is the worst). */
export function isAtLeastSeverity(severity: AlertSeverity, least: AlertSeverity): boolean {
  return ALERT_SEVERITIES.indexOf(severity) <= ALERT_SEVERITIES.indexOf(least);
}

function toNotice(record: AlertRecord): AlertForNotice {
  return {
    alertId: record.id,
    ruleId: record.ruleId,
    deviceId: record.subjectId,
    siteId: record.siteId,
    state: record.state === 'resolved' ? 'resolved' : 'firing',
    changedAtMs: (record.state === 'resolved' ? record.resolvedAtMs : record.firedAtMs) ?? record.openedAtMs,
    notifiedAtMs: record.notifiedAtMs,
  };
}

export function createAlertNotifier(deps: NotifierDeps): AlertNotifier {
  return {
    async runOnce() {
      const nowMs = deps.clock.nowMs();
      const due = (await deps.store.listAlertsToNotify(nowMs, nowMs - deps.timing.repeatIntervalMs, DUE_BATCH)).filter((record) => record.state !== 'pending');
      if (due.length === 0) return { groups: 0, entries: 0, held: 0 };
      const silences = (await deps.store.listSilences(nowMs)).map((silence) => ({
        ...(silence.ruleId === null ? {} : { ruleId: silence.ruleId }),
        ...(silence.siteId === null ? {} : { siteId: silence.siteId }),
        ...(silence.deviceId === null ? {} : { deviceId: silence.deviceId }),
        untilMs: silence.untilMs,
        reason: silence.reason,
      }));
      // A CWM's silence mutes its equipment's alerts too: the policy sees the alert once per id it may be muted by.
      const records = new Map(due.map((record) => [record.id, record]));
      const notices = due.map(toNotice);
      const cwmMuted = new Set(due.filter((record) => record.cwmId !== record.subjectId && silences.some((silence) => silence.deviceId === record.cwmId && silence.untilMs > nowMs)).map((record) => record.id));
      const groups = notificationsDue(notices.filter((notice) => !cwmMuted.has(notice.alertId)), silences, deps.timing, nowMs);
      const told = groups.reduce((sum, group) => sum + group.alerts.length, 0);
      const channels = new Map<number, ChannelRecord>((await deps.store.listChannels()).map((channel) => [channel.id, channel]));
      let entries = 0;
      for (const group of groups) {
        const alerts = group.alerts.flatMap((notice) => records.get(notice.alertId) ?? []);
        // A deleted rule's alerts (resolved when it was deleted) are marked told with no channel to tell.
        const rule = await deps.store.findAlertRule(group.ruleId);
        const targets = rule === null ? [] : rule.channelIds.flatMap((id) => channels.get(id) ?? []).filter((channel) => channel.isEnabled && isAtLeastSeverity(rule.severity, channel.minSeverity));
        const payload = rule === null || targets.length === 0 ? {} : deps.buildPayload(group, alerts, rule, nowMs);
        const written = await deps.store.enqueueNotifications({
          entries: targets.map((channel) => ({ channelId: channel.id, ruleId: group.ruleId, messageId: deps.newMessageId(), payload, atMs: nowMs })),
          alerts: alerts.map((alert) => ({ alertId: alert.id, changeSeq: alert.changeSeq })),
          atMs: nowMs,
        });
        entries += written.length;
      }
      return { groups: groups.length, entries, held: due.length - told };
    },
  };
}
