import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOTIFICATION_TIMING, notificationsDue, silenceOf, type AlertForNotice } from './notification-policy.js';

const T = Date.UTC(2026, 11, 2, 12);
const WAIT = DEFAULT_NOTIFICATION_TIMING.groupWaitMs;
const REPEAT = DEFAULT_NOTIFICATION_TIMING.repeatIntervalMs;

function alert(alertId: number, overrides: Partial<AlertForNotice> = {}): AlertForNotice {
  return { alertId, ruleId: 1, deviceId: `e0f1${String(alertId).padStart(12, '0')}`, siteId: 7, state: 'firing', changedAtMs: T, notifiedAtMs: null, ...overrides };
}

test('alerts of one rule firing within the grouping window go out as one notification, once the window has passed', () => {
  const alerts = [alert(1), alert(2, { changedAtMs: T + 10_000 }), alert(3, { ruleId: 2 })];
  assert.deepEqual(notificationsDue(alerts, [], DEFAULT_NOTIFICATION_TIMING, T + WAIT - 1), []);
  const groups = notificationsDue(alerts, [], DEFAULT_NOTIFICATION_TIMING, T + WAIT);
  assert.deepEqual(groups.map((g) => [g.ruleId, g.alerts.map((a) => a.alertId)]), [[1, [1, 2]], [2, [3]]]);
});

test('an alert told once is not told again until the repeat interval; a resolution is told once', () => {
  const told = alert(1, { notifiedAtMs: T + WAIT });
  assert.deepEqual(notificationsDue([told], [], DEFAULT_NOTIFICATION_TIMING, T + WAIT + 60_000), [], 'no e-mail every few seconds');
  assert.equal(notificationsDue([told], [], DEFAULT_NOTIFICATION_TIMING, T + WAIT + REPEAT).length, 1, 'repeated, without a new grouping wait');
  const resolved = alert(1, { state: 'resolved', changedAtMs: T + 3_600_000, notifiedAtMs: T + WAIT });
  assert.equal(notificationsDue([resolved], [], DEFAULT_NOTIFICATION_TIMING, T + 3_600_000 + WAIT).length, 1);
  const resolvedTold = { ...resolved, notifiedAtMs: T + 3_600_000 + WAIT };
  assert.deepEqual(notificationsDue([resolvedTold], [], DEFAULT_NOTIFICATION_TIMING, T + 100 * REPEAT), []);
});

test('a silence of the rule, the site or the device mutes until its end, then the alert is told', () => {
  const a = alert(1);
  for (const silence of [{ ruleId: 1 }, { siteId: 7 }, { deviceId: a.deviceId }]) {
    const muted = { ...silence, untilMs: T + 3_600_000, reason: 'fryer being cleaned' };
    assert.equal(silenceOf(a, [muted], T + WAIT)?.reason, 'fryer being cleaned');
    assert.deepEqual(notificationsDue([a], [muted], DEFAULT_NOTIFICATION_TIMING, T + WAIT), []);
    assert.equal(notificationsDue([a], [muted], DEFAULT_NOTIFICATION_TIMING, T + 3_600_000).length, 1);
  }
  assert.equal(silenceOf(a, [{ ruleId: 2, untilMs: T + 3_600_000, reason: 'other rule' }, { siteId: 8, untilMs: T + 3_600_000, reason: 'other site' }], T), null);
});
