// Contract for alert rules and alerts (AlertStore, domain/alerts/alert-store.ts): versioned rules, one open alert
// per rule and subject however many callers race to open it, conditional state changes that exactly one caller
// makes, the first acknowledgement kept, the console's filtered pages, badges and counts, and the change numbers
// nodes follow. Notifications (alert-notify-contract.ts) and the alert sources (alert-source-contract.ts) run here too.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertQuery } from '../../src/domain/alerts/alert-store.js';
import { newAlert, newRule, openFiring } from './alert-fixtures.js';
import { defineAlertNotifyContract } from './alert-notify-contract.js';
import { defineAlertSourceContract } from './alert-source-contract.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, isCode, type ContractContext } from './store-fixtures.js';

const ALL: AlertQuery = { states: null, ruleId: null, deviceId: null, siteId: null, severity: null, isAcknowledged: null, limit: 50, offset: 0 };

export function defineAlertStoreContract(context: ContractContext): void {
  describe('alert rules and alerts', () => {
    test('a rule starts at version 1, a replacement bumps the version and keeps the creation time; unknown ids are refused', async () => {
      const rule = await context.store.addAlertRule(newRule('Fryer hot', { severity: 'critical', condition: { kind: 'threshold', field: 'temp', operator: 'above', high: 190, forS: 60 }, channelIds: [3, 1] }));
      assert.deepEqual(rule, {
        id: rule.id, version: 1, name: 'Fryer hot', severity: 'critical', scope: { kind: 'all' },
        condition: { kind: 'threshold', field: 'temp', operator: 'above', high: 190, forS: 60 }, isEnabled: true, channelIds: [3, 1], createdAtMs: T0, updatedAtMs: T0,
      });
      const replaced = await context.store.replaceAlertRule(rule.id, newRule('Fryer very hot', { isEnabled: false, scope: { kind: 'site', siteId: 4 }, atMs: T0 + 5 }));
      assert.deepEqual([replaced.version, replaced.name, replaced.isEnabled, replaced.scope, replaced.createdAtMs, replaced.updatedAtMs], [2, 'Fryer very hot', false, { kind: 'site', siteId: 4 }, T0, T0 + 5]);
      assert.equal((await context.store.replaceAlertRule(rule.id, newRule('again'))).version, 3);
      assert.deepEqual(await context.store.findAlertRule(rule.id), { ...replaced, version: 3, name: 'again', isEnabled: true, scope: { kind: 'all' }, updatedAtMs: T0 });
      const other = await context.store.addAlertRule(newRule('Offline'));
      assert.deepEqual((await context.store.listAlertRules()).map((listed) => listed.id), [rule.id, other.id]);
      await assert.rejects(context.store.replaceAlertRule(other.id + 1000, newRule('x')), isCode('ERR_ALERT_RULE_NOT_FOUND'));
      await assert.rejects(context.store.deleteAlertRule(other.id + 1000, T0), isCode('ERR_ALERT_RULE_NOT_FOUND'));
      assert.equal(await context.store.findAlertRule(other.id + 1000), null);
    });

    test('openAlert opens one alert per rule and subject: the second open gets null, and after a resolution a new one opens', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline', { severity: 'minor' }));
      const first = await context.store.openAlert(newAlert(rule.id, CWM_A, { siteId: 7, triggerValue: { lastSeenAtMs: T0 - 1 } }));
      assert.ok(first);
      assert.deepEqual({ ...first, id: 0, changeSeq: 0 }, {
        id: 0, ruleId: rule.id, ruleVersion: 1, ruleName: 'Offline', severity: 'minor', subjectId: CWM_A, cwmId: CWM_A, siteId: 7, state: 'firing',
        openedAtMs: T0, firedAtMs: T0, resolvedAtMs: null, triggerValue: { lastSeenAtMs: T0 - 1 }, clearValue: null, summary: `${CWM_A} is offline`,
        acknowledgedAtMs: null, acknowledgedBy: null, acknowledgementNote: null, notifiedAtMs: null, changeSeq: 0,
      });
      assert.equal(await context.store.openAlert(newAlert(rule.id, CWM_A, { state: 'pending', atMs: T0 + 1 })), null);
      assert.ok(await context.store.openAlert(newAlert(rule.id, CWM_B)), 'another subject has its own alert');
      assert.equal((await context.store.queryAlerts({ ...ALL, deviceId: CWM_A })).total, 1, 'the losing open wrote nothing');
      await context.store.resolveAlert(first.id, T0 + 10, 'back');
      const again = await context.store.openAlert(newAlert(rule.id, CWM_A, { atMs: T0 + 20 }));
      assert.ok(again && again.id !== first.id);
      assert.deepEqual((await context.store.queryAlerts({ ...ALL, deviceId: CWM_A })).items.map((alert) => [alert.id, alert.state]), [[again.id, 'firing'], [first.id, 'resolved']]);
      assert.equal(await context.store.openAlert(newAlert(rule.id + 1000, CWM_A)), null, 'no rule, no alert');
    });

    test('five nodes opening the same alert at once: exactly one wins', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const opened = await Promise.all(Array.from({ length: 5 }, (_, node) => context.store.openAlert(newAlert(rule.id, CWM_A, { atMs: T0 + node }))));
      assert.equal(opened.filter((alert) => alert !== null).length, 1);
      assert.equal((await context.store.listOpenAlerts()).length, 1);
    });

    test('fire and resolve are conditional: only a pending alert fires, an alert resolves once, and each change takes a higher changeSeq', async () => {
      const rule = await context.store.addAlertRule(newRule('Hot'));
      const pending = await openFiring(context.store, rule.id, OKE_1, { state: 'pending', cwmId: CWM_A, triggerValue: 191 });
      assert.deepEqual([pending.state, pending.firedAtMs], ['pending', null]);
      const fired = await context.store.fireAlert(pending.id, T0 + 60_000, 195);
      assert.ok(fired);
      assert.deepEqual([fired.state, fired.firedAtMs, fired.triggerValue, fired.openedAtMs], ['firing', T0 + 60_000, 195, T0]);
      assert.ok(fired.changeSeq > pending.changeSeq);
      assert.equal(await context.store.fireAlert(pending.id, T0 + 61_000, 199), null, 'fired already');
      const resolved = await context.store.resolveAlert(pending.id, T0 + 120_000, 170);
      assert.ok(resolved);
      assert.deepEqual([resolved.state, resolved.resolvedAtMs, resolved.clearValue, resolved.triggerValue], ['resolved', T0 + 120_000, 170, 195]);
      assert.ok(resolved.changeSeq > fired.changeSeq);
      assert.equal(await context.store.resolveAlert(pending.id, T0 + 121_000, 160), null, 'resolved already');
      assert.equal(await context.store.fireAlert(pending.id, T0 + 121_000, 199), null, 'a resolved alert never fires');
      assert.equal((await context.store.findAlert(pending.id))?.changeSeq, resolved.changeSeq, 'the refused changes changed nothing');
      const racers = await Promise.all([1, 2, 3].map((n) => context.store.resolveAlert(fired.id, T0 + 200_000 + n, n)));
      assert.deepEqual(racers, [null, null, null]);
      const cancelled = await openFiring(context.store, rule.id, OKE_1, { state: 'pending', cwmId: CWM_A, atMs: T0 + 300_000 });
      const both = await Promise.all([context.store.resolveAlert(cancelled.id, T0 + 300_001, 'a'), context.store.resolveAlert(cancelled.id, T0 + 300_002, 'b')]);
      assert.equal(both.filter((alert) => alert !== null).length, 1, 'two resolutions at once: one wins');
      assert.equal(await context.store.resolveAlert(cancelled.id + 1000, T0, null), null);
    });

    test('the first acknowledgement stays; an unknown alert is refused', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const alert = await openFiring(context.store, rule.id, CWM_A);
      const acked = await context.store.acknowledgeAlert(alert.id, 'alice', 'on it', T0 + 5);
      assert.deepEqual([acked.acknowledgedAtMs, acked.acknowledgedBy, acked.acknowledgementNote], [T0 + 5, 'alice', 'on it']);
      assert.ok(acked.changeSeq > alert.changeSeq);
      const again = await context.store.acknowledgeAlert(alert.id, 'bob', 'me too', T0 + 9);
      assert.deepEqual(again, acked);
      await assert.rejects(context.store.acknowledgeAlert(alert.id + 1000, 'bob', '', T0), isCode('ERR_ALERT_NOT_FOUND'));
      assert.equal(await context.store.findAlert(alert.id + 1000), null);
    });

    test('queryAlerts filters by state, rule, device (subject or CWM), site, severity and acknowledgement, newest change first, paged with the total', async () => {
      const offline = await context.store.addAlertRule(newRule('Offline', { severity: 'critical' }));
      const hot = await context.store.addAlertRule(newRule('Hot', { severity: 'minor' }));
      const a = await openFiring(context.store, offline.id, CWM_A, { siteId: 1 });
      const b = await openFiring(context.store, offline.id, CWM_B, { siteId: 2 });
      const c = await openFiring(context.store, hot.id, OKE_1, { cwmId: CWM_A, siteId: 1, state: 'pending' });
      const d = await openFiring(context.store, hot.id, OKE_2, { cwmId: CWM_B, siteId: 2 });
      await context.store.resolveAlert(b.id, T0 + 1, 'back');
      await context.store.acknowledgeAlert(d.id, 'alice', '', T0 + 2);
      const ids = async (query: Partial<AlertQuery>) => (await context.store.queryAlerts({ ...ALL, ...query })).items.map((alert) => alert.id);
      assert.deepEqual(await ids({}), [d.id, b.id, c.id, a.id], 'newest change first');
      assert.deepEqual(await ids({ states: ['pending', 'firing'] }), [d.id, c.id, a.id]);
      assert.deepEqual(await ids({ states: ['resolved'] }), [b.id]);
      assert.deepEqual(await ids({ states: [] }), []);
      assert.deepEqual(await ids({ ruleId: hot.id }), [d.id, c.id]);
      assert.deepEqual(await ids({ deviceId: CWM_A }), [c.id, a.id], 'the CWM finds the alerts about its equipment');
      assert.deepEqual(await ids({ deviceId: OKE_1 }), [c.id]);
      assert.deepEqual(await ids({ siteId: 2 }), [d.id, b.id]);
      assert.deepEqual(await ids({ severity: 'critical' }), [b.id, a.id]);
      assert.deepEqual(await ids({ isAcknowledged: true }), [d.id]);
      assert.deepEqual(await ids({ isAcknowledged: false, states: ['firing'] }), [a.id]);
      const page = await context.store.queryAlerts({ ...ALL, limit: 2, offset: 1 });
      assert.deepEqual([page.items.map((alert) => alert.id), page.total], [[b.id, c.id], 4]);
    });

    test('change numbers have no gaps: refused changes (a second open, a resolve of a resolved alert, lost races) take no number', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const changes: number[] = [];
      const first = await openFiring(context.store, rule.id, CWM_A);
      changes.push(first.changeSeq);
      assert.equal(await context.store.openAlert(newAlert(rule.id, CWM_A)), null);
      const racers = await Promise.all(Array.from({ length: 4 }, () => context.store.openAlert(newAlert(rule.id, CWM_B))));
      changes.push(...racers.flatMap((alert) => (alert === null ? [] : [alert.changeSeq])));
      const resolved = await context.store.resolveAlert(first.id, T0 + 1, null);
      assert.ok(resolved);
      changes.push(resolved.changeSeq);
      assert.equal(await context.store.resolveAlert(first.id, T0 + 2, null), null);
      const acknowledged = await context.store.acknowledgeAlert(first.id, 'op', 'seen', T0 + 3);
      changes.push(acknowledged.changeSeq);
      assert.deepEqual(changes, [changes[0] ?? 0, (changes[0] ?? 0) + 1, (changes[0] ?? 0) + 2, (changes[0] ?? 0) + 3], 'consecutive numbers, one per change made');
    });

    test('listAlertChanges returns the changes after a number, oldest first, each alert at its latest change', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const a = await openFiring(context.store, rule.id, CWM_A);
      const b = await openFiring(context.store, rule.id, CWM_B);
      assert.ok(b.changeSeq > a.changeSeq);
      const all = await context.store.listAlertChanges(0, 10);
      assert.deepEqual(all.map((alert) => alert.id), [a.id, b.id]);
      const resolved = await context.store.resolveAlert(a.id, T0 + 1, null);
      assert.ok(resolved);
      const after = await context.store.listAlertChanges(b.changeSeq, 10);
      assert.deepEqual(after.map((alert) => [alert.id, alert.state, alert.changeSeq]), [[a.id, 'resolved', resolved.changeSeq]]);
      assert.deepEqual((await context.store.listAlertChanges(0, 1)).map((alert) => alert.id), [b.id], 'limited, oldest change first');
      assert.deepEqual(await context.store.listAlertChanges(resolved.changeSeq, 10), []);
    });

    test('badges count open alerts per subject and per CWM with the worst severity firing; counts sum the open alerts', async () => {
      const critical = await context.store.addAlertRule(newRule('Down', { severity: 'critical' }));
      const minor = await context.store.addAlertRule(newRule('Warm', { severity: 'minor' }));
      const warning = await context.store.addAlertRule(newRule('Door', { severity: 'warning' }));
      await openFiring(context.store, critical.id, CWM_A);
      await openFiring(context.store, minor.id, OKE_1, { cwmId: CWM_A });
      await openFiring(context.store, warning.id, OKE_1, { cwmId: CWM_A, state: 'pending' });
      await openFiring(context.store, critical.id, OKE_2, { cwmId: CWM_B, state: 'pending' });
      const gone = await openFiring(context.store, critical.id, CWM_B);
      await context.store.resolveAlert(gone.id, T0 + 1, null);
      assert.deepEqual(await context.store.countOpenAlertsByDevice([CWM_A, OKE_1, CWM_B, OKE_2, '00AA000000000000']), [
        { deviceId: CWM_A, firing: 2, pending: 1, worstSeverity: 'critical' },
        { deviceId: CWM_B, firing: 0, pending: 1, worstSeverity: 'critical' },
        { deviceId: OKE_1, firing: 1, pending: 1, worstSeverity: 'minor' },
        { deviceId: OKE_2, firing: 0, pending: 1, worstSeverity: 'critical' },
      ].sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1)));
      assert.deepEqual(await context.store.countOpenAlertsByDevice([]), []);
      const [first] = await context.store.listOpenAlerts();
      assert.ok(first);
      await context.store.acknowledgeAlert(first.id, 'alice', '', T0 + 2);
      assert.deepEqual(await context.store.countOpenAlerts(), { firing: 2, pending: 2, firingUnacknowledged: 1, bySeverity: { critical: 1, major: 0, minor: 1, warning: 0 } });
    });

    test('deleting a rule resolves its open alerts with "rule deleted" and leaves other rules\' alerts alone', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const other = await context.store.addAlertRule(newRule('Hot'));
      const a = await openFiring(context.store, rule.id, CWM_A);
      const b = await openFiring(context.store, rule.id, CWM_B, { state: 'pending' });
      const kept = await openFiring(context.store, other.id, CWM_A);
      await context.store.deleteAlertRule(rule.id, T0 + 50);
      assert.equal(await context.store.findAlertRule(rule.id), null);
      for (const id of [a.id, b.id]) {
        const alert = await context.store.findAlert(id);
        assert.deepEqual([alert?.state, alert?.resolvedAtMs, alert?.clearValue], ['resolved', T0 + 50, 'rule deleted']);
      }
      assert.deepEqual((await context.store.listOpenAlerts()).map((alert) => alert.id), [kept.id]);
      assert.deepEqual((await context.store.listAlertChanges(kept.changeSeq, 10)).map((alert) => alert.id).sort(), [a.id, b.id].sort(), 'followers hear of both');
      assert.equal(await context.store.openAlert(newAlert(rule.id, CWM_A)), null, 'a deleted rule opens nothing');
      const readded = await context.store.addAlertRule(newRule('Offline'));
      assert.notEqual(readded.id, rule.id, 'a deleted rule\'s id is not given again');
    });

    test('alerts opened while their rule is being deleted never stay open', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      await openFiring(context.store, rule.id, CWM_A);
      const subjects = Array.from({ length: 6 }, (_, n) => `00CC${String(n).padStart(12, '0')}`);
      await Promise.all([
        ...subjects.slice(0, 3).map((subject) => context.store.openAlert(newAlert(rule.id, subject))),
        context.store.deleteAlertRule(rule.id, T0 + 1),
        ...subjects.slice(3).map((subject) => context.store.openAlert(newAlert(rule.id, subject))),
      ]);
      assert.deepEqual(await context.store.listOpenAlerts(), []);
    });

    test('alerts and their change numbers survive a restart, and numbering goes on above them', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const alert = await openFiring(context.store, rule.id, CWM_A);
      const store = await context.reopen();
      assert.deepEqual(await store.findAlert(alert.id), alert);
      const resolved = await store.resolveAlert(alert.id, T0 + 1, null);
      assert.ok(resolved && resolved.changeSeq > alert.changeSeq);
      assert.deepEqual((await store.listAlertChanges(alert.changeSeq, 10)).map((changed) => changed.id), [alert.id]);
    });

    test('pruneResolvedAlerts deletes alerts resolved before the cut-off only', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const old = await openFiring(context.store, rule.id, CWM_A);
      const recent = await openFiring(context.store, rule.id, CWM_B);
      const open = await openFiring(context.store, rule.id, OKE_1);
      await context.store.resolveAlert(old.id, T0 + 10, null);
      await context.store.resolveAlert(recent.id, T0 + 100, null);
      assert.equal(await context.store.pruneResolvedAlerts(T0 + 50), 1);
      assert.equal(await context.store.findAlert(old.id), null);
      assert.deepEqual((await context.store.queryAlerts(ALL)).items.map((alert) => alert.id).sort(), [recent.id, open.id].sort());
      assert.equal(await context.store.pruneResolvedAlerts(T0 + 50), 0);
    });

    defineAlertNotifyContract(context);
    defineAlertSourceContract(context);
  });
}
