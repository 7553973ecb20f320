// When alerts become notifications (issue 16: "told to the right people once"): silenced alerts are not told;
// alerts of one rule that fire within a grouping window go out together; an alert still firing is told again
// only after the repeat interval. Pure functions over plain records, so a timer on any node can apply them
// to what the store holds (Alertmanager's group_wait / repeat_interval, and ThingsBoard's complaint of "an
// e-mail every 4 s" as what not to do).

/** An alert as the policy sees it. */
export interface AlertForNotice {
  readonly alertId: number;
  readonly ruleId: number;
  readonly deviceId: string;
  readonly siteId: number | null;
  readonly state: 'firing' | 'resolved';
  /** When it fired (firing) or resolved (resolved). */
  readonly changedAtMs: number;
  /** When a notification last told of it in its current state; null: never. */
  readonly notifiedAtMs: number | null;
}

/** A mute: of one rule, one site or one device (exactly one), until a time, with why. */
export interface Silence {
  readonly ruleId?: number | undefined;
  readonly siteId?: number | undefined;
  readonly deviceId?: string | undefined;
  readonly untilMs: number;
  readonly reason: string;
}

export interface NotificationTiming {
  /** How long after the first alert of a rule fires the group waits for others, then goes out together. */
  readonly groupWaitMs: number;
  /** How often an alert still firing is told again. */
  readonly repeatIntervalMs: number;
}

export const DEFAULT_NOTIFICATION_TIMING: NotificationTiming = { groupWaitMs: 30_000, repeatIntervalMs: 4 * 3_600_000 };

/** The silence muting `alert` at `nowMs`, if any. */
export function silenceOf(alert: Pick<AlertForNotice, 'ruleId' | 'siteId' | 'deviceId'>, silences: readonly Silence[], nowMs: number): Silence | null {
  return (
    silences.find(
      (silence) =>
        silence.untilMs > nowMs &&
        ((silence.ruleId !== undefined && silence.ruleId === alert.ruleId) ||
          (silence.siteId !== undefined && silence.siteId === alert.siteId) ||
          (silence.deviceId !== undefined && silence.deviceId === alert.deviceId)),
    ) ?? null
  );
}

/** True when `alert` is to be told now: never told in this state, or firing and told longer ago than the repeat interval. */
function isDue(alert: AlertForNotice, timing: NotificationTiming, nowMs: number): boolean {
  if (alert.notifiedAtMs === null || alert.notifiedAtMs < alert.changedAtMs) return true;
  return alert.state === 'firing' && nowMs - alert.notifiedAtMs >= timing.repeatIntervalMs;
}

/** One notification: the alerts of one rule told together. */
export interface NotificationGroup {
  readonly ruleId: number;
  readonly alerts: readonly AlertForNotice[];
}

/**
 * The notifications to send at `nowMs`: due alerts not silenced, grouped by rule; a rule's group goes out once its
 * oldest due alert has waited the grouping window (so alerts firing together arrive as one message), each alert at
 * most once per group. Groups by rule id, alerts by device id: the same input gives the same messages on any node.
 */
export function notificationsDue(alerts: readonly AlertForNotice[], silences: readonly Silence[], timing: NotificationTiming, nowMs: number): NotificationGroup[] {
  const byRule = new Map<number, AlertForNotice[]>();
  for (const alert of alerts) {
    if (!isDue(alert, timing, nowMs) || silenceOf(alert, silences, nowMs) !== null) continue;
    const group = byRule.get(alert.ruleId) ?? [];
    group.push(alert);
    byRule.set(alert.ruleId, group);
  }
  const groups: NotificationGroup[] = [];
  for (const [ruleId, group] of [...byRule].sort(([a], [b]) => a - b)) {
    const oldestMs = Math.min(...group.map((alert) => Math.max(alert.changedAtMs, alert.notifiedAtMs ?? 0)));
    // A repeat is not held back: its group already waited when it first went out.
    const isRepeat = group.every((alert) => alert.notifiedAtMs !== null && alert.notifiedAtMs >= alert.changedAtMs);
    if (!isRepeat && nowMs - oldestMs < timing.groupWaitMs) continue;
    groups.push({ ruleId, alerts: [...group].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0)) });
  }
  return groups;
}
