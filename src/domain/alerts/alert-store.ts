// The storage port for alerts (issue 16): rules (versioned), alerts (one open per rule and subject, pending ->
// firing -> resolved, acknowledged with a note), silences, notification channels and the durable outbox of
// notifications. Each backend implements it and one contract suite (test/contract/alert-store-contract.ts)
// tests both. Every state change of an alert is one conditional write, so that exactly one node of a cluster
// makes it (the one whose write changed a row) and the others learn of it from `listAlertChanges`.

import type { AlertCondition, AlertScope, AlertSeverity } from './alert-rule.js';

export interface AlertRuleRecord {
  readonly id: number;
  /** 1 when created; +1 on each change. An alert keeps the version of the rule that opened it. */
  readonly version: number;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly scope: AlertScope;
  readonly condition: AlertCondition;
  readonly isEnabled: boolean;
  /** Channels this rule's notifications go to; empty: none. */
  readonly channelIds: readonly number[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface NewAlertRule {
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly scope: AlertScope;
  readonly condition: AlertCondition;
  readonly isEnabled: boolean;
  readonly channelIds: readonly number[];
  readonly atMs: number;
}

export type AlertState = 'pending' | 'firing' | 'resolved';

/** A value an alert was opened, fired or cleared with: a number, a string, a boolean or a small object. */
export type AlertValue = number | string | boolean | Readonly<Record<string, unknown>> | null;

export interface AlertRecord {
  readonly id: number;
  readonly ruleId: number;
  readonly ruleVersion: number;
  readonly ruleName: string;
  readonly severity: AlertSeverity;
  /** What the alert is about: the equipment (field conditions) or the CWM (offline, device problems). */
  readonly subjectId: string;
  /** The CWM of the subject (the subject itself for CWM-level conditions). */
  readonly cwmId: string;
  /** The CWM's site when the alert opened; null: none. */
  readonly siteId: number | null;
  readonly state: AlertState;
  readonly openedAtMs: number;
  /** When it fired; null while pending (or resolved without firing: a pending alert that was cancelled). */
  readonly firedAtMs: number | null;
  readonly resolvedAtMs: number | null;
  /** The value that opened it (pending) and then the one that fired it. */
  readonly triggerValue: AlertValue;
  /** The value (or reason, e.g. "rule deleted") that resolved it. */
  readonly clearValue: AlertValue;
  /** One line saying what happened, for lists and notifications. */
  readonly summary: string;
  readonly acknowledgedAtMs: number | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgementNote: string | null;
  /** When a notification last told of it in its current state; null: never. */
  readonly notifiedAtMs: number | null;
  /**
   * Increases with every change of any alert (a store-wide sequence): nodes follow changes with it. Numbered
   * without gaps and in commit order (each change takes the next number inside its transaction, one at a time),
   * so a reader that has seen every number up to n has seen every change up to n.
   */
  readonly changeSeq: number;
}

export interface NewAlert {
  readonly ruleId: number;
  readonly ruleVersion: number;
  readonly subjectId: string;
  readonly cwmId: string;
  readonly siteId: number | null;
  /** `pending` (a duration is running) or `firing` (no duration). */
  readonly state: 'pending' | 'firing';
  readonly atMs: number;
  readonly triggerValue: AlertValue;
  readonly summary: string;
}

export interface AlertQuery {
  /** Open: pending or firing. */
  readonly states: readonly AlertState[] | null;
  readonly ruleId: number | null;
  /** The subject or its CWM. */
  readonly deviceId: string | null;
  readonly siteId: number | null;
  readonly severity: AlertSeverity | null;
  /** true: only acknowledged alerts; false: only those not acknowledged; null: both. */
  readonly isAcknowledged: boolean | null;
  readonly limit: number;
  readonly offset: number;
}

export interface AlertPage {
  /** Newest change first (then id descending). */
  readonly items: readonly AlertRecord[];
  readonly total: number;
}

/** Open alerts (pending or firing) per subject or CWM, for badges on a page of devices or equipment. */
export interface AlertBadge {
  readonly deviceId: string;
  readonly firing: number;
  readonly pending: number;
  /** The worst severity among its firing alerts (pending ones when none fires). */
  readonly worstSeverity: AlertSeverity;
}

export interface AlertCounts {
  readonly firing: number;
  readonly pending: number;
  readonly firingUnacknowledged: number;
  readonly bySeverity: Readonly<Record<AlertSeverity, number>>;
}

export interface SilenceRecord {
  readonly id: number;
  readonly ruleId: number | null;
  readonly siteId: number | null;
  readonly deviceId: string | null;
  readonly untilMs: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
}

export interface NewSilence {
  /** Exactly one of ruleId, siteId, deviceId. */
  readonly ruleId: number | null;
  readonly siteId: number | null;
  readonly deviceId: string | null;
  readonly untilMs: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
}

export type ChannelKind = 'webhook' | 'email';

/** Where a channel sends: a webhook URL, or e-mail recipients over an SMTP server. */
export type ChannelTarget =
  | { readonly kind: 'webhook'; readonly url: string }
  | {
      readonly kind: 'email';
      readonly to: readonly string[];
      readonly from: string;
      readonly smtpHost: string;
      readonly smtpPort: number;
      /** Implicit TLS (465); false: STARTTLS when offered. */
      readonly smtpSecure: boolean;
      readonly smtpUser: string | null;
      /** Stored, never returned by the API. */
      readonly smtpPassword: string | null;
    };

export interface ChannelRecord {
  readonly id: number;
  readonly name: string;
  readonly target: ChannelTarget;
  /** The Standard Webhooks secret (`whsec_...`) for a webhook; null for e-mail. Shown once, when created. */
  readonly secret: string | null;
  readonly isEnabled: boolean;
  /** Notifications of alerts less severe than this are not sent on this channel. */
  readonly minSeverity: AlertSeverity;
  readonly createdAtMs: number;
  readonly lastSuccessAtMs: number | null;
  readonly lastFailureAtMs: number | null;
  /** What the last failed attempt got (status, error code, SMTP reply), for the console. */
  readonly lastFailure: string | null;
}

export interface NewChannel {
  readonly name: string;
  readonly target: ChannelTarget;
  readonly secret: string | null;
  readonly isEnabled: boolean;
  readonly minSeverity: AlertSeverity;
  readonly atMs: number;
}

export interface ChannelChanges {
  readonly name?: string;
  readonly target?: ChannelTarget;
  readonly isEnabled?: boolean;
  readonly minSeverity?: AlertSeverity;
}

export type OutboxState = 'queued' | 'delivered' | 'failed';

/** One notification to one channel, kept until delivered or given up (24 h of retries). */
export interface OutboxRecord {
  readonly id: number;
  readonly channelId: number;
  readonly ruleId: number;
  /** The Standard Webhooks `webhook-id`: the same across retries, so a receiver can drop duplicates. */
  readonly messageId: string;
  /** The notification as JSON (the webhook body; the e-mail is written from it). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly state: OutboxState;
  readonly createdAtMs: number;
  readonly attempts: number;
  readonly nextAttemptAtMs: number;
  readonly lastAttemptAtMs: number | null;
  readonly lastError: string | null;
  readonly deliveredAtMs: number | null;
}

export interface NewOutboxEntry {
  readonly channelId: number;
  readonly ruleId: number;
  readonly messageId: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly atMs: number;
}

/** A notification group's entries, written with the alerts it tells of marked as told, in one transaction. */
export interface NotificationBatch {
  readonly entries: readonly NewOutboxEntry[];
  /** Alerts told of, with the changeSeq they were told at: one changed since (by another node) is not marked. */
  readonly alerts: ReadonlyArray<{ readonly alertId: number; readonly changeSeq: number }>;
  readonly atMs: number;
}

export interface AlertStore {
  // Rules
  listAlertRules(): Promise<AlertRuleRecord[]>;
  findAlertRule(id: number): Promise<AlertRuleRecord | null>;
  addAlertRule(rule: NewAlertRule): Promise<AlertRuleRecord>;
  /** Replaces the rule's definition and bumps its version. @throws OpenTpsError ERR_ALERT_RULE_NOT_FOUND */
  replaceAlertRule(id: number, rule: NewAlertRule): Promise<AlertRuleRecord>;
  /** Deletes the rule and resolves its open alerts with clearValue "rule deleted". @throws OpenTpsError ERR_ALERT_RULE_NOT_FOUND */
  deleteAlertRule(id: number, atMs: number): Promise<void>;

  // Alerts
  /**
   * Opens an alert unless the rule already has one open for the subject (unique over open alerts): the node
   * whose insert wins gets the record, every other gets null.
   */
  openAlert(alert: NewAlert): Promise<AlertRecord | null>;
  /** pending -> firing, with the value that fired it; null when the alert is not pending any more. */
  fireAlert(alertId: number, atMs: number, triggerValue: AlertValue): Promise<AlertRecord | null>;
  /** pending or firing -> resolved; null when it is resolved already. */
  resolveAlert(alertId: number, atMs: number, clearValue: AlertValue): Promise<AlertRecord | null>;
  /** @throws OpenTpsError ERR_ALERT_NOT_FOUND; acknowledging twice keeps the first acknowledgement. */
  acknowledgeAlert(alertId: number, actor: string, note: string, atMs: number): Promise<AlertRecord>;
  findAlert(id: number): Promise<AlertRecord | null>;
  /** Filtered, newest first, paged in the store. */
  queryAlerts(query: AlertQuery): Promise<AlertPage>;
  /** Every open (pending or firing) alert: what a node loads when it starts evaluating. */
  listOpenAlerts(): Promise<AlertRecord[]>;
  /** Alerts changed after `afterSeq` (any state), oldest change first, at most `limit`. */
  listAlertChanges(afterSeq: number, limit: number): Promise<AlertRecord[]>;
  /** Open alerts of the given subjects or CWMs (at most 500 ids), for badges. */
  countOpenAlertsByDevice(deviceIds: readonly string[]): Promise<AlertBadge[]>;
  countOpenAlerts(): Promise<AlertCounts>;
  /**
   * Alerts a notification may be due for at `nowMs`: firing or resolved and never told in that state, or firing
   * and told at or before `repeatBeforeMs`. From an index on when each becomes due, so O(due), not O(alerts).
   */
  listAlertsToNotify(nowMs: number, repeatBeforeMs: number, limit: number): Promise<AlertRecord[]>;
  /** Deletes resolved alerts resolved before `beforeMs`; returns how many. */
  pruneResolvedAlerts(beforeMs: number): Promise<number>;

  // Silences
  listSilences(nowMs: number): Promise<SilenceRecord[]>;
  addSilence(silence: NewSilence): Promise<SilenceRecord>;
  /** @throws OpenTpsError ERR_SILENCE_NOT_FOUND */
  deleteSilence(id: number): Promise<void>;

  // Channels
  listChannels(): Promise<ChannelRecord[]>;
  findChannel(id: number): Promise<ChannelRecord | null>;
  /** @throws OpenTpsError ERR_CHANNEL_NAME_TAKEN */
  addChannel(channel: NewChannel): Promise<ChannelRecord>;
  /** @throws OpenTpsError ERR_CHANNEL_NOT_FOUND, ERR_CHANNEL_NAME_TAKEN */
  updateChannel(id: number, changes: ChannelChanges): Promise<ChannelRecord>;
  /** Deletes the channel and its undelivered notifications. @throws OpenTpsError ERR_CHANNEL_NOT_FOUND */
  deleteChannel(id: number): Promise<void>;

  // Outbox
  /** Writes the entries and marks the alerts told, in one transaction. Returns the entries written. */
  enqueueNotifications(batch: NotificationBatch): Promise<OutboxRecord[]>;
  /**
   * Takes up to `limit` queued entries due at `nowMs` for delivery: their next attempt moves to `nowMs + leaseMs`
   * in the same statement, so another node does not take them while this one sends.
   */
  claimDueNotifications(nowMs: number, leaseMs: number, limit: number): Promise<OutboxRecord[]>;
  /** Delivered: the entry leaves the queue; the channel's last success is `atMs`. */
  markNotificationDelivered(id: number, atMs: number): Promise<void>;
  /**
   * A failed attempt: retried at `nextAttemptAtMs`, or (null) given up as failed. The channel's last failure is
   * `error` at `atMs`.
   */
  markNotificationFailed(id: number, atMs: number, error: string, nextAttemptAtMs: number | null): Promise<void>;
  /** Newest first, of one channel or all, optionally in one state. */
  queryNotifications(query: { readonly channelId: number | null; readonly state: OutboxState | null; readonly limit: number; readonly offset: number }): Promise<{ items: OutboxRecord[]; total: number }>;
  /** Deletes delivered and failed entries older than `beforeMs`; returns how many. */
  pruneNotifications(beforeMs: number): Promise<number>;
}
