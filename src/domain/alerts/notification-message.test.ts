import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute } from '../../../web/src/routes.js';
import { isOpenTpsError } from '../../errors.js';
import type { AlertRecord, AlertRuleRecord } from './alert-store.js';
import { MAX_ALERTS_PER_NOTIFICATION, buildNotificationPayload, deviceUrl, parseNotificationPayload, renderEmail } from './notification-message.js';
import type { AlertForNotice, NotificationGroup } from './notification-policy.js';

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const SERVER_URL = 'https://tps.example:8443/';

const rule: AlertRuleRecord = {
  id: 7,
  version: 3,
  name: 'Fryer oil too hot',
  severity: 'critical',
  scope: { kind: 'all' },
  condition: { kind: 'threshold', field: 'oilTemp', operator: 'above', high: 200 },
  isEnabled: true,
  channelIds: [1],
  createdAtMs: T0 - 86_400_000,
  updatedAtMs: T0 - 3_600_000,
};

function alertRecord(id: number, overrides: Partial<AlertRecord>): AlertRecord {
  return {
    id,
    ruleId: rule.id,
    ruleVersion: rule.version,
    ruleName: rule.name,
    severity: rule.severity,
    subjectId: `fryer-${id}`,
    cwmId: `CWM-${id}`,
    siteId: 4,
    state: 'firing',
    openedAtMs: T0 - 120_000,
    firedAtMs: T0 - 60_000,
    resolvedAtMs: null,
    triggerValue: 212.5,
    clearValue: null,
    summary: `oilTemp 212.5 above 200 on fryer-${id}`,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    acknowledgementNote: null,
    notifiedAtMs: null,
    changeSeq: id,
    ...overrides,
  };
}

function noticeOf(alert: AlertRecord): AlertForNotice {
  const state = alert.state === 'resolved' ? 'resolved' : 'firing';
  return {
    alertId: alert.id,
    ruleId: alert.ruleId,
    deviceId: alert.subjectId,
    siteId: alert.siteId,
    state,
    changedAtMs: (state === 'resolved' ? alert.resolvedAtMs : alert.firedAtMs) ?? T0,
    notifiedAtMs: alert.notifiedAtMs,
  };
}

function groupOf(alerts: readonly AlertRecord[]): NotificationGroup {
  return { ruleId: rule.id, alerts: alerts.map(noticeOf) };
}

describe('notification payload', () => {
  it('lists at most 100 alerts and counts the rest (a site\'s outage fires thousands at once); the e-mail says so', () => {
    const alerts = Array.from({ length: 250 }, (_, index) => alertRecord(index + 1, { subjectId: `cwm-${index}`, cwmId: `cwm-${index}` }));
    const payload = buildNotificationPayload({ group: groupOf(alerts), alerts, rule, serverUrl: SERVER_URL, atMs: T0 });
    assert.equal(payload.alerts.length, MAX_ALERTS_PER_NOTIFICATION);
    assert.equal(payload.type === 'test' ? null : payload.truncatedAlerts, 150);
    assert.deepEqual(parseNotificationPayload(JSON.parse(JSON.stringify(payload))), payload);
    const email = renderEmail(payload);
    assert.match(email.subject, /, 150 more\)$/);
    assert.match(email.text, /150 more not listed here/);
    assert.match(email.html, /150 more not listed here/);
  });

  it('tells of firing alerts with the rule, ISO times, values and a link to each device page', () => {
    const alerts = [alertRecord(1, {}), alertRecord(2, { siteId: null, subjectId: 'CWM-2' })];
    const payload = buildNotificationPayload({ group: groupOf(alerts), alerts, rule, serverUrl: SERVER_URL, atMs: T0 });
    assert.equal(payload.type, 'alert.firing');
    assert.deepEqual(payload.rule, { id: 7, name: 'Fryer oil too hot', severity: 'critical', version: 3 });
    assert.equal(payload.sentAt, '2026-12-02T08:00:00.000Z');
    assert.deepEqual(payload.alerts[0], {
      id: 1,
      state: 'firing',
      subjectId: 'fryer-1',
      cwmId: 'CWM-1',
      siteId: 4,
      firedAt: '2026-12-02T07:59:00.000Z',
      resolvedAt: null,
      triggerValue: 212.5,
      clearValue: null,
      summary: 'oilTemp 212.5 above 200 on fryer-1',
      deviceUrl: 'https://tps.example:8443/console/#/devices/CWM-1',
    });
    assert.equal(payload.alerts[1]?.siteId, null);
  });

  it('is alert.resolved when every alert resolved and alert.mixed when some fire and some resolved', () => {
    const resolved = alertRecord(1, { state: 'resolved', resolvedAtMs: T0 - 1_000, clearValue: 180 });
    const firing = alertRecord(2, {});
    const onlyResolved = buildNotificationPayload({ group: groupOf([resolved]), alerts: [resolved], rule, serverUrl: SERVER_URL, atMs: T0 });
    assert.equal(onlyResolved.type, 'alert.resolved');
    assert.equal(onlyResolved.alerts[0]?.resolvedAt, '2026-12-02T07:59:59.000Z');
    assert.equal(onlyResolved.alerts[0]?.clearValue, 180);
    const mixed = buildNotificationPayload({ group: groupOf([resolved, firing]), alerts: [firing, resolved], rule, serverUrl: SERVER_URL, atMs: T0 });
    assert.equal(mixed.type, 'alert.mixed');
    assert.deepEqual(mixed.alerts.map((alert) => alert.id), [1, 2]);
  });

  it('links to the console route the console itself parses as the device page, with the id encoded', () => {
    const url = deviceUrl('https://tps.example:8443', 'CWM/1 #<x>');
    const parsed = new URL(url);
    assert.equal(parsed.pathname, '/console/');
    assert.deepEqual(parseRoute(parsed.hash), { name: 'device', deviceId: 'CWM/1 #<x>' });
    assert.equal(deviceUrl('https://tps.example/base/', 'A'), 'https://tps.example/base/console/#/devices/A');
  });

  it('refuses a group naming an alert it was not given, or another rule', () => {
    const alerts = [alertRecord(1, {})];
    assert.throws(
      () => buildNotificationPayload({ group: groupOf(alerts), alerts: [], rule, serverUrl: SERVER_URL, atMs: T0 }),
      (error: unknown) => isOpenTpsError(error, 'ERR_ALERT_NOT_FOUND'),
    );
    assert.throws(
      () => buildNotificationPayload({ group: { ruleId: 99, alerts: [] }, alerts, rule, serverUrl: SERVER_URL, atMs: T0 }),
      (error: unknown) => isOpenTpsError(error, 'ERR_ALERT_RULE_NOT_FOUND'),
    );
  });

  it('reads back a payload stored as JSON, and nothing else', () => {
    const alerts = [alertRecord(1, { triggerValue: { door: 'open' } })];
    const payload = buildNotificationPayload({ group: groupOf(alerts), alerts, rule, serverUrl: SERVER_URL, atMs: T0 });
    const stored: unknown = JSON.parse(JSON.stringify(payload));
    assert.deepEqual(parseNotificationPayload(stored), payload);
    assert.equal(parseNotificationPayload({ ...payload, type: 'alert.other' }), null);
    assert.equal(parseNotificationPayload({ ...payload, alerts: [] }), null);
    assert.equal(parseNotificationPayload({ ...payload, sentAt: 'yesterday' }), null);
    assert.equal(parseNotificationPayload('{}'), null);
  });
});

describe('notification e-mail', () => {
  it('names the rule, severity and counts in the subject and links each device in the text and the HTML', () => {
    const alerts = [alertRecord(1, {}), alertRecord(2, { state: 'resolved', resolvedAtMs: T0, clearValue: 190 })];
    const payload = buildNotificationPayload({ group: groupOf(alerts), alerts, rule, serverUrl: SERVER_URL, atMs: T0 });
    const email = renderEmail(payload);
    assert.equal(email.subject, '[OpenTPS critical] CHANGED: Fryer oil too hot (1 firing, 1 resolved)');
    for (const id of ['CWM-1', 'CWM-2']) {
      assert.ok(email.text.includes(`https://tps.example:8443/console/#/devices/${id}`), email.text);
      assert.ok(email.html.includes(`<a href="https://tps.example:8443/console/#/devices/${id}">${id}</a>`), email.html);
    }
    assert.match(email.text, /FIRING since 2026-12-02T07:59:00.000Z: oilTemp 212.5 above 200 on fryer-1/);
    assert.match(email.text, /RESOLVED at 2026-12-02T08:00:00.000Z/);
    assert.match(email.text, /value 190/);
  });

  it('escapes markup in summaries, device ids and rule names so none of it runs in the HTML', () => {
    const alerts = [
      alertRecord(1, {
        summary: '<script>alert(1)</script> & more',
        cwmId: '"><script>x()</script>',
        subjectId: "fryer'<img src=x onerror=y>",
        triggerValue: '<b>hot</b>',
      }),
    ];
    const hostile: AlertRuleRecord = { ...rule, name: 'Rule <script>steal()</script>\r\nBcc: victim@example.com' };
    const payload = buildNotificationPayload({ group: groupOf(alerts), alerts, rule: hostile, serverUrl: SERVER_URL, atMs: T0 });
    const email = renderEmail(payload);
    assert.ok(!email.html.includes('<script>'), email.html);
    assert.ok(!email.html.includes('<img'), email.html);
    assert.ok(!email.html.includes('<b>hot'), email.html);
    assert.ok(email.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more'), email.html);
    assert.ok(email.html.includes('&quot;&gt;&lt;script&gt;x()&lt;/script&gt;</a>'), email.html);
    assert.ok(email.html.includes('fryer&#39;&lt;img src=x onerror=y&gt; on '), email.html);
    // The link's id is percent-encoded: nothing in it can close the attribute.
    assert.ok(email.html.includes(`href="https://tps.example:8443/console/#/devices/${encodeURIComponent('"><script>x()</script>')}"`), email.html);
    assert.ok(!/[\r\n]/.test(email.subject), email.subject);
  });
});
