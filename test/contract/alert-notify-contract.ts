// Contract for what alerts become (AlertStore, domain/alerts/alert-store.ts): the alerts a notification may be due
// for, the outbox written with the alerts marked told in one transaction (only alerts nobody changed since; a
// batch whose alerts all changed writes nothing), claims two nodes make at once never sharing an entry, retries
// and give-ups recorded on the channel, channels with names unique in any case, silences and pruning.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newChannel, newEntry, newRule, openFiring } from './alert-fixtures.js';
import { CWM_A, CWM_B, LEASE_MS, OKE_1, T0, isCode, type ContractContext } from './store-fixtures.js';

const ALL_NOTIFICATIONS = { channelId: null, state: null, limit: 50, offset: 0 } as const;

export function defineAlertNotifyContract(context: ContractContext): void {
  describe('alert notifications', () => {
    test('listAlertsToNotify lists alerts fired or resolved and never told, then firing alerts told at or before the repeat cut-off', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const firing = await openFiring(context.store, rule.id, CWM_A, { atMs: T0 + 30 });
      await openFiring(context.store, rule.id, CWM_B, { state: 'pending' });
      const cancelled = await openFiring(context.store, rule.id, OKE_1, { state: 'pending' });
      await context.store.resolveAlert(cancelled.id, T0 + 5, null);
      const over = await openFiring(context.store, (await context.store.addAlertRule(newRule('Hot'))).id, OKE_1, { atMs: T0 + 10 });
      const resolved = await context.store.resolveAlert(over.id, T0 + 20, 170);
      assert.ok(resolved);
      const due = await context.store.listAlertsToNotify(T0 + 100, T0 - 4 * 3_600_000, 10);
      assert.deepEqual(due.map((alert) => [alert.id, alert.state]), [[resolved.id, 'resolved'], [firing.id, 'firing']], 'never told: oldest change first; pending and cancelled left out');
      assert.deepEqual((await context.store.listAlertsToNotify(T0 + 100, T0, 1)).map((alert) => alert.id), [resolved.id], 'limited');

      const channel = await context.store.addChannel(newChannel('ops'));
      const written = await context.store.enqueueNotifications({
        entries: [newEntry(channel.id, rule.id, 'msg_1', T0 + 100)],
        alerts: due.map((alert) => ({ alertId: alert.id, changeSeq: alert.changeSeq })),
        atMs: T0 + 100,
      });
      assert.deepEqual(written.map((entry) => [entry.messageId, entry.state, entry.attempts, entry.nextAttemptAtMs, entry.payload]), [['msg_1', 'queued', 0, T0 + 100, { type: 'alert.firing', alerts: ['msg_1'] }]]);
      const told = await context.store.findAlert(firing.id);
      assert.equal(told?.notifiedAtMs, T0 + 100);
      assert.ok(told && told.changeSeq > firing.changeSeq, 'being told is a change other nodes follow');
      assert.equal((await context.store.findAlert(resolved.id))?.notifiedAtMs, T0 + 100);
      assert.deepEqual(await context.store.listAlertsToNotify(T0 + 200, T0 + 99, 10), [], 'told: not due before the repeat');
      assert.deepEqual((await context.store.listAlertsToNotify(T0 + 200, T0 + 100, 10)).map((alert) => alert.id), [firing.id], 'a firing alert is told again, a resolution never');
      const resolvedLater = await context.store.resolveAlert(firing.id, T0 + 300, null);
      assert.deepEqual([resolvedLater?.notifiedAtMs, (await context.store.listAlertsToNotify(T0 + 300, T0, 10)).map((alert) => alert.id)], [null, [firing.id]], 'its resolution is news again');
    });

    test('enqueueNotifications marks only alerts unchanged since they were read, and writes nothing when every one changed', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const channel = await context.store.addChannel(newChannel('ops'));
      const stale = await openFiring(context.store, rule.id, CWM_A);
      const fresh = await openFiring(context.store, rule.id, CWM_B);
      await context.store.acknowledgeAlert(stale.id, 'alice', '', T0 + 1);
      const none = await context.store.enqueueNotifications({ entries: [newEntry(channel.id, rule.id, 'msg_stale')], alerts: [{ alertId: stale.id, changeSeq: stale.changeSeq }], atMs: T0 + 2 });
      assert.deepEqual(none, []);
      assert.equal((await context.store.queryNotifications(ALL_NOTIFICATIONS)).total, 0);
      assert.equal((await context.store.findAlert(stale.id))?.notifiedAtMs, null);
      const mixed = await context.store.enqueueNotifications({
        entries: [newEntry(channel.id, rule.id, 'msg_mixed')],
        alerts: [{ alertId: stale.id, changeSeq: stale.changeSeq }, { alertId: fresh.id, changeSeq: fresh.changeSeq }],
        atMs: T0 + 3,
      });
      assert.equal(mixed.length, 1);
      assert.deepEqual([(await context.store.findAlert(stale.id))?.notifiedAtMs, (await context.store.findAlert(fresh.id))?.notifiedAtMs], [null, T0 + 3]);

      // Two nodes telling of the same alert at once: one batch is written.
      const both = await openFiring(context.store, rule.id, OKE_1);
      const batches = await Promise.all(['msg_node1', 'msg_node2'].map((messageId) =>
        context.store.enqueueNotifications({ entries: [newEntry(channel.id, rule.id, messageId)], alerts: [{ alertId: both.id, changeSeq: both.changeSeq }], atMs: T0 + 4 })));
      assert.deepEqual(batches.map((written) => written.length).sort(), [0, 1]);
      assert.equal((await context.store.queryNotifications(ALL_NOTIFICATIONS)).total, 2);
    });

    test('two nodes claiming at once never take the same entry, and a claimed entry comes back only when its lease ends', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const channel = await context.store.addChannel(newChannel('ops'));
      await context.store.enqueueNotifications({ entries: ['a', 'b', 'c', 'd', 'e'].map((id) => newEntry(channel.id, rule.id, `msg_${id}`)), alerts: [], atMs: T0 });
      assert.deepEqual(await context.store.claimDueNotifications(T0 - 1, LEASE_MS, 10), [], 'not due yet');
      const [one, two] = await Promise.all([context.store.claimDueNotifications(T0, LEASE_MS, 3), context.store.claimDueNotifications(T0, LEASE_MS, 3)]);
      const claimed = [...(one ?? []), ...(two ?? [])];
      assert.equal(new Set(claimed.map((entry) => entry.id)).size, claimed.length, 'no entry twice');
      assert.equal(claimed.length, 5);
      assert.ok(claimed.every((entry) => entry.attempts === 1 && entry.nextAttemptAtMs === T0 + LEASE_MS && entry.lastAttemptAtMs === T0));
      assert.deepEqual(await context.store.claimDueNotifications(T0 + LEASE_MS - 1, LEASE_MS, 10), [], 'leased');
      const again = await context.store.claimDueNotifications(T0 + LEASE_MS, LEASE_MS, 10);
      assert.deepEqual(again.map((entry) => entry.attempts), [2, 2, 2, 2, 2], 'the lease ended: taken again (the sender died)');
    });

    test('a failure is retried or given up, and the channel remembers its last success and failure', async () => {
      const rule = await context.store.addAlertRule(newRule('Offline'));
      const channel = await context.store.addChannel(newChannel('ops'));
      const [first, second] = await context.store.enqueueNotifications({ entries: [newEntry(channel.id, rule.id, 'msg_1'), newEntry(channel.id, rule.id, 'msg_2')], alerts: [], atMs: T0 });
      assert.ok(first && second);
      await context.store.claimDueNotifications(T0, LEASE_MS, 10);
      await context.store.markNotificationFailed(first.id, T0 + 1, 'HTTP 500', T0 + 60_000);
      await context.store.markNotificationDelivered(second.id, T0 + 2);
      const afterRetry = await context.store.queryNotifications(ALL_NOTIFICATIONS);
      assert.deepEqual(afterRetry.items.map((entry) => [entry.messageId, entry.state, entry.nextAttemptAtMs, entry.lastError, entry.deliveredAtMs]), [
        ['msg_2', 'delivered', T0 + LEASE_MS, null, T0 + 2],
        ['msg_1', 'queued', T0 + 60_000, 'HTTP 500', null],
      ]);
      assert.deepEqual((await context.store.claimDueNotifications(T0 + 60_000, LEASE_MS, 10)).map((entry) => entry.id), [first.id]);
      await context.store.markNotificationFailed(first.id, T0 + 60_001, 'connect ECONNREFUSED', null);
      await context.store.markNotificationDelivered(first.id, T0 + 60_002);
      const gaveUp = await context.store.queryNotifications({ ...ALL_NOTIFICATIONS, state: 'failed' });
      assert.deepEqual([gaveUp.total, gaveUp.items[0]?.lastError, gaveUp.items[0]?.deliveredAtMs], [1, 'connect ECONNREFUSED', null], 'a given-up entry stays failed');
      const stored = await context.store.findChannel(channel.id);
      assert.deepEqual([stored?.lastSuccessAtMs, stored?.lastFailureAtMs, stored?.lastFailure], [T0 + 2, T0 + 60_001, 'connect ECONNREFUSED']);
      assert.deepEqual(await context.store.claimDueNotifications(T0 + 10 * 60_000, LEASE_MS, 10), []);
      assert.equal(await context.store.pruneNotifications(T0), 0, 'created at T0: not before it');
      assert.equal(await context.store.pruneNotifications(T0 + 1), 2, 'delivered and failed entries go');
    });

    test('channel names are unique in any case; a deleted channel takes its undelivered notifications with it', async () => {
      const email = await context.store.addChannel(newChannel('Kitchen Email', {
        target: { kind: 'email', to: ['chef@example.com'], from: 'opentps@example.com', smtpHost: 'smtp.example.com', smtpPort: 587, smtpSecure: false, smtpUser: 'u', smtpPassword: 'p' },
        secret: null,
        minSeverity: 'major',
      }));
      assert.deepEqual(await context.store.findChannel(email.id), email);
      assert.deepEqual([email.minSeverity, email.isEnabled, email.lastSuccessAtMs, email.target.kind === 'email' ? email.target.smtpPassword : null], ['major', true, null, 'p']);
      await assert.rejects(context.store.addChannel(newChannel('KITCHEN email')), isCode('ERR_CHANNEL_NAME_TAKEN'));
      const hook = await context.store.addChannel(newChannel('hook'));
      await assert.rejects(context.store.updateChannel(hook.id, { name: 'kitchen EMAIL' }), isCode('ERR_CHANNEL_NAME_TAKEN'));
      const renamed = await context.store.updateChannel(hook.id, { name: 'Hook', isEnabled: false, target: { kind: 'webhook', url: 'https://other.example.com/' } });
      assert.deepEqual([renamed.name, renamed.isEnabled, renamed.target, renamed.secret], ['Hook', false, { kind: 'webhook', url: 'https://other.example.com/' }, hook.secret]);
      await assert.rejects(context.store.updateChannel(hook.id + 1000, { name: 'x' }), isCode('ERR_CHANNEL_NOT_FOUND'));
      assert.deepEqual((await context.store.listChannels()).map((channel) => channel.name), ['Kitchen Email', 'Hook']);

      const rule = await context.store.addAlertRule(newRule('Offline', { channelIds: [hook.id] }));
      const [sent, queued] = await context.store.enqueueNotifications({ entries: [newEntry(hook.id, rule.id, 'msg_1'), newEntry(hook.id, rule.id, 'msg_2')], alerts: [], atMs: T0 });
      await context.store.enqueueNotifications({ entries: [newEntry(email.id, rule.id, 'msg_3')], alerts: [], atMs: T0 });
      assert.ok(sent && queued);
      await context.store.markNotificationDelivered(sent.id, T0 + 1);
      await context.store.deleteChannel(hook.id);
      assert.equal(await context.store.findChannel(hook.id), null);
      assert.deepEqual((await context.store.queryNotifications(ALL_NOTIFICATIONS)).items.map((entry) => entry.messageId), ['msg_3', 'msg_1'], 'the queued one went, the delivered one stays');
      assert.deepEqual((await context.store.queryNotifications({ ...ALL_NOTIFICATIONS, channelId: email.id })).items.map((entry) => entry.messageId), ['msg_3']);
      await assert.rejects(context.store.deleteChannel(hook.id), isCode('ERR_CHANNEL_NOT_FOUND'));
      assert.notEqual((await context.store.addChannel(newChannel('hook'))).id, hook.id, 'a deleted channel\'s id is not given again (rules keep it)');
    });

    test('silences are listed while they last, soonest end first, and deleted by id', async () => {
      const byRule = await context.store.addSilence({ ruleId: 4, siteId: null, deviceId: null, untilMs: T0 + 100, reason: 'maintenance', createdBy: 'alice', createdAtMs: T0 });
      const bySite = await context.store.addSilence({ ruleId: null, siteId: 2, deviceId: null, untilMs: T0 + 50, reason: 'closed', createdBy: 'bob', createdAtMs: T0 });
      const byDevice = await context.store.addSilence({ ruleId: null, siteId: null, deviceId: CWM_A, untilMs: T0 + 10, reason: 'repair', createdBy: 'bob', createdAtMs: T0 });
      assert.deepEqual(byRule, { id: byRule.id, ruleId: 4, siteId: null, deviceId: null, untilMs: T0 + 100, reason: 'maintenance', createdBy: 'alice', createdAtMs: T0 });
      assert.deepEqual((await context.store.listSilences(T0 + 10)).map((silence) => silence.id), [bySite.id, byRule.id], 'one ending now is over');
      await context.store.deleteSilence(bySite.id);
      assert.deepEqual(await context.store.listSilences(T0), [byDevice, byRule]);
      assert.deepEqual((await context.store.listSilences(T0 + 100)), []);
      await assert.rejects(context.store.deleteSilence(bySite.id), isCode('ERR_SILENCE_NOT_FOUND'));
    });
  });
}
