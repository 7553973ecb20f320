// Alerts on a running node (issue 16), wired: the evaluation engine (told by the push path and the device
// transport), the rule preview, the notifier that writes due notifications to the outbox, and the dispatcher
// that delivers them (webhook, e-mail); plus the periodic jobs that drive them. Built for every process; only a
// server starts the engine and runs the jobs (a CLI command neither evaluates nor sends).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createEmailSender } from '../adapters/notifications/email-sender.js';
import { createWebhookSender } from '../adapters/notifications/webhook-sender.js';
import type { OpenTpsConfig } from '../config/config-schema.js';
import { createAlertEngine, type AlertEngine } from '../domain/alerts/alert-engine.js';
import { createAlertNotifier, type AlertNotifier } from '../domain/alerts/alert-notifier.js';
import type { AlertPreviewer, AlertRulesListener } from '../domain/alerts/alert-preview.js';
import { buildNotificationPayload } from '../domain/alerts/notification-message.js';
import { createNotificationDispatcher, type NotificationDispatcher, type NotificationSender } from '../domain/alerts/notification-dispatcher.js';
import type { ChannelKind } from '../domain/alerts/alert-store.js';
import type { EventMetrics } from '../adapters/metrics/event-metrics.js';
import type { EventBus } from '../domain/event-bus.js';
import { createRulePreviewer } from '../domain/alerts/rule-previewer.js';
import { createStoreMembershipSource } from '../domain/alerts/store-membership-source.js';
import type { ReportBackgroundFailure } from '../domain/background-failure.js';
import type { Clock } from '../domain/clock.js';
import type { ModelCatalog } from '../domain/equipment-model/model-catalog.js';
import type { Store } from '../domain/store.js';
import type { PeriodicJob } from './periodic-jobs.js';

/** Offline deadlines, failure windows, pending durations and other nodes' changes. */
const ALERT_SWEEP_MS = 5_000;
/** Queue backlogs, expired messages and stalled transfers, read from the store. */
const PROBLEM_SWEEP_MS = 30_000;
/** Rules and their scopes' members (a local change reloads at once: rulesChanged). */
const RULE_RELOAD_MS = 60_000;
const NOTIFY_MS = 5_000;
const DISPATCH_MS = 2_000;
/** Outbox entries sent per dispatch run; the lease covers them sent 4 at a time with the 10 s sender timeout. */
const DISPATCH_BATCH = 20;
const DISPATCH_LEASE_MS = 120_000;
const ALERT_PRUNE_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface AlertServices {
  readonly engine: AlertEngine;
  readonly previewer: AlertPreviewer;
  readonly rulesListener: AlertRulesListener;
  readonly notifier: AlertNotifier;
  readonly dispatcher: NotificationDispatcher;
  /** The periodic jobs of a server (started after `engine.start()`). */
  jobs(): PeriodicJob[];
}

export interface AlertServicesLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface AlertServicesDeps {
  readonly config: Readonly<OpenTpsConfig>;
  readonly store: Store;
  readonly clock: Clock;
  readonly modelCatalog: ModelCatalog;
  readonly reportFailure: ReportBackgroundFailure;
  /** Alert changes and notification failures are logged (one line each); none for CLI commands. */
  readonly logger?: AlertServicesLogger | undefined;
  readonly metrics: Pick<EventMetrics, 'alertTransitions' | 'notificationAttempts'>;
  /** Live events for consoles (on a cluster node, relayed to the other nodes' consoles). */
  readonly events?: Pick<EventBus, 'publish'> | undefined;
}

/** Where notification links point: --public-url, else this machine's name on the listening port. */
export function publicUrlOf(config: Readonly<OpenTpsConfig>): string {
  return config.publicUrl ?? `https://${hostname()}:${config.port}/`;
}

export function createAlertServices(deps: AlertServicesDeps): AlertServices {
  const { config, store, clock } = deps;
  const transferStallAfterMs = config.transferStallAfterS * 1000;
  const engine = createAlertEngine({
    store,
    membership: createStoreMembershipSource(store, clock),
    clock,
    modelsById: () => deps.modelCatalog.peekModels(),
    transferStallAfterMs,
    onWriteFailed: (error) => deps.reportFailure({ task: 'alert-write', level: 'warn', error, context: {} }),
    onChange(record, isLocal) {
      // Each change is written by one node: that node counts and logs it.
      if (!isLocal) return;
      deps.events?.publish({ type: 'alert', alert: record });
      deps.metrics.alertTransitions.labels(record.state).inc();
      if (record.state === 'pending') return;
      deps.logger?.info(
        { alertId: record.id, ruleId: record.ruleId, rule: record.ruleName, severity: record.severity, subjectId: record.subjectId, cwmId: record.cwmId, value: record.state === 'firing' ? record.triggerValue : record.clearValue },
        record.state === 'firing' ? 'alert firing' : 'alert resolved',
      );
    },
  });
  let reload: Promise<void> | null = null;
  const rulesListener: AlertRulesListener = {
    rulesChanged() {
      // One reload at a time; a change during a reload is picked up by the timer's next one at the latest.
      reload ??= engine.reloadRules().catch((error: unknown) => deps.reportFailure({ task: 'alert-write', level: 'warn', error, context: { step: 'reload rules' } })).finally(() => {
        reload = null;
      });
    },
  };
  const previewer = createRulePreviewer({
    store,
    clock,
    modelsById: () => deps.modelCatalog.modelsById(),
    transferStallAfterMs,
    recentFailures: (problem, cwmId, nowMs) => engine.recentFailures(problem, cwmId, nowMs),
  });
  const serverUrl = publicUrlOf(config);
  const notifier = createAlertNotifier({
    store,
    clock,
    timing: { groupWaitMs: config.alertGroupWaitS * 1000, repeatIntervalMs: config.alertRepeatIntervalS * 1000 },
    buildPayload: (group, alerts, rule, atMs) => ({ ...buildNotificationPayload({ group, alerts, rule, serverUrl, atMs }) }),
    newMessageId: () => `msg_${randomUUID()}`,
  });
  // The kind of channel each failed entry was sent on, for the failure's metric (the dispatcher reports the entry).
  const failedKinds = new Map<number, ChannelKind>();
  const counted = (send: NotificationSender): NotificationSender => async (channel, entry) => {
    try {
      await send(channel, entry);
    } catch (error) {
      failedKinds.set(entry.id, channel.target.kind);
      throw error;
    }
    deps.metrics.notificationAttempts.labels(channel.target.kind, 'delivered').inc();
  };
  const dispatcher = createNotificationDispatcher({
    store,
    senders: { webhook: counted(createWebhookSender({ clock })), email: counted(createEmailSender()) },
    clock,
    random: Math.random,
    leaseMs: DISPATCH_LEASE_MS,
    batchSize: DISPATCH_BATCH,
    onFailure({ entry, reason, nextAttemptAtMs }) {
      const kind = failedKinds.get(entry.id) ?? 'unknown';
      failedKinds.delete(entry.id);
      deps.metrics.notificationAttempts.labels(kind, nextAttemptAtMs === null ? 'gave-up' : 'failed').inc();
      deps.logger?.warn(
        { notificationId: entry.id, channelId: entry.channelId, attempts: entry.attempts, reason, nextAttemptAt: nextAttemptAtMs === null ? null : new Date(nextAttemptAtMs).toISOString() },
        nextAttemptAtMs === null ? 'notification given up' : 'notification failed; retried later',
      );
    },
  });
  return {
    engine,
    previewer,
    rulesListener,
    notifier,
    dispatcher,
    jobs: () => [
      { name: 'alert-sweep', intervalMs: ALERT_SWEEP_MS, failureMessage: 'evaluating alerts failed', run: async () => void (await engine.sweep()) },
      { name: 'alert-problems', intervalMs: PROBLEM_SWEEP_MS, isRunAtStart: true, failureMessage: 'evaluating device problems for alerts failed', run: () => engine.sweepProblems() },
      { name: 'alert-rules-reload', intervalMs: RULE_RELOAD_MS, failureMessage: 'reloading alert rules failed', run: () => engine.reloadRules() },
      { name: 'alert-notify', intervalMs: NOTIFY_MS, failureMessage: 'writing alert notifications failed', run: async () => void (await notifier.runOnce()) },
      { name: 'notification-dispatch', intervalMs: DISPATCH_MS, failureMessage: 'delivering notifications failed', run: async () => void (await dispatcher.runOnce()) },
      {
        name: 'alert-prune',
        intervalMs: ALERT_PRUNE_MS,
        isRunAtStart: true,
        failureMessage: 'removing old alerts and notifications failed',
        async run() {
          if (config.alertRetentionDays === 0) return;
          const beforeMs = clock.nowMs() - config.alertRetentionDays * DAY_MS;
          await store.pruneResolvedAlerts(beforeMs);
          await store.pruneNotifications(beforeMs);
        },
      },
    ],
  };
}
