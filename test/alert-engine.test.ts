// The alert engine and notifier on the real stores (issue 16), SQLite and PostgreSQL, with a clock the test
// moves: an offline CWM found by its deadline (and only the CWMs whose deadline passed are read back), resolved
// when it is seen; a pending duration that survives a restart of the node; two nodes seeing the same breach
// open one alert; a queue backlog found by the problem sweep; notifications grouped, repeated, silenced, and
// written once when two nodes run the notifier at the same moment.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { createAlertEngine, type AlertEngine } from '../src/domain/alerts/alert-engine.js';
import { createAlertNotifier } from '../src/domain/alerts/alert-notifier.js';
import type { AlertCondition, AlertScope } from '../src/domain/alerts/alert-rule.js';
import { createStoreMembershipSource } from '../src/domain/alerts/store-membership-source.js';
import type { Store } from '../src/domain/store.js';
import { CWM_A, CWM_B, newMessage, pushRecord, registerDevice, T0 } from './contract/store-fixtures.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const FRYER = 'e0f1000000000007';

interface Backend {
  open(): Promise<{ store: Store; reopen(): Promise<Store>; close(): Promise<void> }>;
}

function manualClock(startMs: number) {
  let nowMs = startMs;
  return { nowMs: () => nowMs, set: (ms: number) => void (nowMs = ms) };
}

function engineOn(store: Store, clock: { nowMs(): number }): AlertEngine {
  return createAlertEngine({
    store,
    membership: createStoreMembershipSource(store, clock),
    clock,
    modelsById: () => new Map(),
    transferStallAfterMs: 600_000,
    onWriteFailed: (error) => assert.fail(`an alert write failed: ${String(error)}`),
  });
}

async function addRule(store: Store, condition: AlertCondition, scope: AlertScope = { kind: 'all' }, channelIds: number[] = []) {
  return store.addAlertRule({ name: `rule ${condition.kind}`, severity: 'major', scope, condition, isEnabled: true, channelIds, atMs: T0 });
}

async function openAlertsOf(store: Store, ruleId: number) {
  return (await store.queryAlerts({ states: ['pending', 'firing'], ruleId, deviceId: null, siteId: null, severity: null, isAcknowledged: null, limit: 50, offset: 0 })).items;
}

function defineEngineSuite(name: string, backend: Backend): void {
  describe(`alert engine on ${name}`, () => {
    test('an offline CWM: found when its deadline passes (only it is read back), resolved when it is seen again', async () => {
      const { store, close } = await backend.open();
      try {
        const clock = manualClock(T0);
        await registerDevice(store, CWM_A);
        await registerDevice(store, CWM_B);
        await store.recordPush(pushRecord(CWM_A, { receivedAtMs: T0 }));
        await store.recordPush(pushRecord(CWM_B, { receivedAtMs: T0, okmId: 8 }));
        const rule = await addRule(store, { kind: 'offline', intervals: 3 });
        const engine = engineOn(store, clock);
        await engine.start();
        assert.equal(engine.trackedCwmCount, 2);
        // CWM_B keeps reporting (as the push path would tell the engine); CWM_A falls silent.
        clock.set(T0 + 100_000);
        engine.observeRequest(CWM_B, CWM_B, 'valid', T0 + 100_000);
        assert.deepEqual(await engine.sweep(), { confirmed: 0, offline: 0, changesRead: 0 });
        // Default interval 60 s: offline after 3 x 60 s + 30 s of slack.
        clock.set(T0 + 210_001);
        const report = await engine.sweep();
        await engine.settle();
        assert.deepEqual([report.confirmed, report.offline], [1, 1], 'only CWM_A, whose deadline passed, was read back');
        const open = await openAlertsOf(store, rule.id);
        assert.deepEqual(open.map((alert) => [alert.subjectId, alert.state]), [[CWM_A, 'firing']]);
        assert.deepEqual(open[0]?.triggerValue, { silentS: 210, lastSeenAt: new Date(T0).toISOString() });
        const again = await engine.sweep();
        assert.deepEqual([again.confirmed, again.offline], [0, 0], 'an offline CWM is not read again every sweep');
        clock.set(T0 + 300_000);
        engine.observeRequest(CWM_A, CWM_A, 'valid', T0 + 300_000);
        await engine.settle();
        assert.deepEqual(await openAlertsOf(store, rule.id), []);
      } finally {
        await close();
      }
    });

    test('a CWM first seen after the node started is judged by its own interval (read back once), not the 60 s default', async () => {
      const { store, close } = await backend.open();
      try {
        const clock = manualClock(T0);
        const rule = await addRule(store, { kind: 'offline', intervals: 3 });
        const engine = engineOn(store, clock);
        await engine.start();
        await registerDevice(store, CWM_A);
        // It reports every 10 s; the store learns its interval from the gaps.
        for (let i = 0; i < 4; i++) {
          const atMs = T0 + i * 10_000;
          await store.recordPush(pushRecord(CWM_A, { receivedAtMs: atMs, okmId: 100 + i, heartbeat: { temp: 180 } }));
          engine.observeRequest(CWM_A, CWM_A, 'valid', atMs);
        }
        // Silent since T0 + 30 s: offline for 3 x 10 s + 30 s of slack once 60 s have passed, at T0 + 90 s.
        clock.set(T0 + 85_000);
        await engine.sweep();
        await engine.settle();
        assert.deepEqual(await openAlertsOf(store, rule.id), [], 'the early look found it silent, not offline yet');
        clock.set(T0 + 91_000);
        await engine.sweep();
        await engine.settle();
        assert.deepEqual((await openAlertsOf(store, rule.id)).map((alert) => alert.subjectId), [CWM_A], 'offline at its own 10 s rhythm, not after 3.5 min');
      } finally {
        await close();
      }
    });

    test('a pending duration survives a restart of the node: the stored pending alert fires when the duration ends', async () => {
      const context = await backend.open();
      try {
        const clock = manualClock(T0);
        const rule = await addRule(context.store, { kind: 'threshold', field: 'oil', operator: 'above', high: 200, forS: 300 });
        const first = engineOn(context.store, clock);
        await first.start();
        first.observePush({ cwmId: CWM_A, originId: FRYER, atMs: T0, heartbeat: { oil: 250 }, crcVerdict: 'valid' });
        await first.settle();
        assert.deepEqual((await openAlertsOf(context.store, rule.id)).map((alert) => alert.state), ['pending']);
        const store = await context.reopen();
        const second = engineOn(store, clock);
        await second.start();
        clock.set(T0 + 299_000);
        await second.sweep();
        await second.settle();
        assert.deepEqual((await openAlertsOf(store, rule.id)).map((alert) => alert.state), ['pending'], 'the duration has not run out');
        clock.set(T0 + 300_000);
        await second.sweep();
        await second.settle();
        const [fired] = await openAlertsOf(store, rule.id);
        assert.deepEqual([fired?.state, fired?.firedAtMs, fired?.openedAtMs, fired?.triggerValue], ['firing', T0 + 300_000, T0, 250]);
      } finally {
        await context.close();
      }
    });

    test('two nodes seeing the same breach open one alert; each learns of it and the other node resolves it', async () => {
      const { store, close } = await backend.open();
      try {
        const clock = manualClock(T0);
        const rule = await addRule(store, { kind: 'threshold', field: 'oil', operator: 'above', high: 200 });
        const nodeA = engineOn(store, clock);
        const nodeB = engineOn(store, clock);
        await Promise.all([nodeA.start(), nodeB.start()]);
        const breach = { cwmId: CWM_A, originId: FRYER, atMs: T0, heartbeat: { oil: 230 }, crcVerdict: 'valid' as const };
        nodeA.observePush(breach);
        nodeB.observePush({ ...breach, heartbeat: { oil: 231 } });
        await Promise.all([nodeA.settle(), nodeB.settle()]);
        const open = await openAlertsOf(store, rule.id);
        assert.equal(open.length, 1, 'exactly one node opened it');
        await Promise.all([nodeA.sweep(), nodeB.sweep()]);
        assert.equal(nodeA.ledger.current(rule.id, FRYER)?.id, open[0]?.id);
        assert.equal(nodeB.ledger.current(rule.id, FRYER)?.id, open[0]?.id);
        // The next heartbeat reaches the other node, whichever opened it.
        const opener = (await store.findAlert(open[0]?.id ?? 0))?.triggerValue === 230 ? nodeB : nodeA;
        opener.observePush({ ...breach, atMs: T0 + 1000, heartbeat: { oil: 150 } });
        await opener.settle();
        assert.equal((await store.findAlert(open[0]?.id ?? 0))?.state, 'resolved');
      } finally {
        await close();
      }
    });

    test('a queue backlog is found by the problem sweep and resolves when the queue drains', async () => {
      const { store, close } = await backend.open();
      try {
        const clock = manualClock(T0);
        await registerDevice(store, CWM_A);
        const rule = await addRule(store, { kind: 'device-problem', problem: 'queue-backlog', atLeast: 3 });
        const messages = [];
        for (let i = 0; i < 3; i++) messages.push(await store.enqueueMessage(newMessage(CWM_A)));
        const engine = engineOn(store, clock);
        await engine.start();
        await engine.sweepProblems();
        await engine.settle();
        assert.deepEqual((await openAlertsOf(store, rule.id)).map((alert) => [alert.subjectId, alert.triggerValue]), [[CWM_A, { count: 3 }]]);
        await store.cancelMessage(messages[0]?.id ?? 0, T0 + 1000);
        await engine.sweepProblems();
        await engine.settle();
        assert.deepEqual(await openAlertsOf(store, rule.id), []);
      } finally {
        await close();
      }
    });

    test('notifications: held for the grouping window, one per rule, not repeated before the interval, silenced by device, written once by two nodes', async () => {
      const { store, close } = await backend.open();
      try {
        const clock = manualClock(T0);
        const channel = await store.addChannel({ name: 'hook', target: { kind: 'webhook', url: 'https://hooks.example/x' }, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', isEnabled: true, minSeverity: 'warning', atMs: T0 });
        const rule = await addRule(store, { kind: 'threshold', field: 'oil', operator: 'above', high: 200 }, { kind: 'all' }, [channel.id]);
        const engine = engineOn(store, clock);
        await engine.start();
        for (const [index, fryer] of [FRYER, 'e0f1000000000008', 'e0f1000000000009'].entries()) {
          engine.observePush({ cwmId: index === 2 ? CWM_B : CWM_A, originId: fryer, atMs: T0, heartbeat: { oil: 250 }, crcVerdict: 'valid' });
        }
        await engine.settle();
        await store.addSilence({ ruleId: null, siteId: null, deviceId: CWM_B, untilMs: T0 + 86_400_000, reason: 'maintenance', createdBy: 'test', createdAtMs: T0 });
        const timing = { groupWaitMs: 30_000, repeatIntervalMs: 3_600_000 };
        const notifier = (n: number) => createAlertNotifier({ store, clock, timing, buildPayload: (group) => ({ alerts: group.alerts.map((alert) => alert.deviceId) }), newMessageId: () => `msg_${n}_${Math.random()}` });
        clock.set(T0 + 10_000);
        assert.deepEqual(await notifier(1).runOnce(), { groups: 0, entries: 0, held: 3 }, 'within the grouping window');
        clock.set(T0 + 30_000);
        const reports = await Promise.all([notifier(1).runOnce(), notifier(2).runOnce()]);
        const written = await store.queryNotifications({ channelId: channel.id, state: null, limit: 10, offset: 0 });
        assert.equal(written.total, 1, `one notification for the group, whichever node wrote it: ${JSON.stringify(reports)}`);
        assert.deepEqual(written.items[0]?.payload, { alerts: [FRYER, 'e0f1000000000008'] }, 'the silenced CWM\'s fryer is not told');
        clock.set(T0 + 60_000);
        assert.equal((await notifier(1).runOnce()).entries, 0, 'told already');
        clock.set(T0 + 30_000 + 3_600_000);
        assert.equal((await notifier(1).runOnce()).entries, 1, 'still firing after the repeat interval: told again');
      } finally {
        await close();
      }
    });
  });
}

defineEngineSuite('SQLite', {
  async open() {
    const dir = createTempDataDir('opentps-alert-engine-');
    const open = () => openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 1000 });
    let store: Store = open();
    return {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = open();
        return store;
      },
      async close() {
        await store.close();
        dir.remove();
      },
    };
  },
});

const skipReason = await postgresSkipReason();
if (skipReason !== false) {
  describe('alert engine on PostgreSQL', { skip: skipReason }, () => {});
} else {
  const database = await createTestDatabase('opentps_alert_engine');
  after(() => database.drop());
  let schemaCount = 0;
  defineEngineSuite('PostgreSQL', {
    async open() {
      const schema = `alerts_${++schemaCount}`;
      const open = () => openPostgresStore({ connectionString: database.url, schema, maxConnections: 8 });
      let store = await open();
      return {
        get store() {
          return store;
        },
        async reopen() {
          await store.close();
          store = await open();
          return store;
        },
        close: () => store.close(),
      };
    },
  });
}
