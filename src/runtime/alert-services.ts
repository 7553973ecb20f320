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
import { createNotificationDispatcher, type NotificationDispatcher } from '../domain/alerts/notification-dispatcher.js';
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

export interface AlertServicesDeps {
  readonly config: Readonly<OpenTpsConfig>;
  readonly store: Store;
  readonly clock: Clock;
  readonly modelCatalog: ModelCatalog;
  readonly reportFailure: ReportBackgroundFailure;
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
  const dispatcher = createNotificationDispatcher({
    store,
    senders: { webhook: createWebhookSender({ clock }), email: createEmailSender() },
    clock,
    random: Math.random,
    leaseMs: DISPATCH_LEASE_MS,
    batchSize: DISPATCH_BATCH,
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
