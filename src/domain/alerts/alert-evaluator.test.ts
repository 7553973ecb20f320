// The evaluation over a ledger whose store is a small in-memory table here (the stores themselves run the
// contract suite): thresholds through pending to firing and back with hysteresis, AND/OR of a field and a CWM
// part, counters, and a pending duration that resumes from the stored alert after a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRecord, AlertRuleRecord, NewAlert } from './alert-store.js';
import type { AlertCondition, AlertScope } from './alert-rule.js';
import { compileRule } from './compiled-rule.js';
import { createAlertEvaluator } from './alert-evaluator.js';
import { createOpenAlertLedger, type LedgerStore } from './open-alert-ledger.js';
import { createRuleSet } from './rule-set.js';
import { loadScopeMembers } from './scope-membership.js';

const FRYER = 'e0f1000000000001';
const CWM = 'cwm-1';

function memoryLedgerStore(): LedgerStore & { rows: AlertRecord[] } {
  const rows: AlertRecord[] = [];
  let seq = 0;
  const change = (index: number, patch: Partial<AlertRecord>): AlertRecord => {
    const next = { ...(rows[index] as AlertRecord), ...patch, changeSeq: ++seq };
    rows[index] = next;
    return next;
  };
  return {
    rows,
    async openAlert(alert: NewAlert) {
      if (rows.some((row) => row.ruleId === alert.ruleId && row.subjectId === alert.subjectId && row.state !== 'resolved')) return null;
      const record: AlertRecord = {
        id: rows.length + 1, ruleId: alert.ruleId, ruleVersion: alert.ruleVersion, ruleName: 'r', severity: 'major', subjectId: alert.subjectId, cwmId: alert.cwmId,
        siteId: alert.siteId, state: alert.state, openedAtMs: alert.atMs, firedAtMs: alert.state === 'firing' ? alert.atMs : null, resolvedAtMs: null,
        triggerValue: alert.triggerValue, clearValue: null, summary: alert.summary, acknowledgedAtMs: null, acknowledgedBy: null, acknowledgementNote: null,
        notifiedAtMs: null, changeSeq: ++seq,
      };
      rows.push(record);
      return record;
    },
    async fireAlert(id, atMs, value) {
      const index = rows.findIndex((row) => row.id === id && row.state === 'pending');
      return index < 0 ? null : change(index, { state: 'firing', firedAtMs: atMs, triggerValue: value });
    },
    async resolveAlert(id, atMs, value) {
      const index = rows.findIndex((row) => row.id === id && row.state !== 'resolved');
      return index < 0 ? null : change(index, { state: 'resolved', resolvedAtMs: atMs, clearValue: value });
    },
    async queryAlerts(query) {
      const items = rows.filter((row) => (query.ruleId === null || row.ruleId === query.ruleId) && (query.deviceId === null || row.subjectId === query.deviceId) && (query.states === null || query.states.includes(row.state)));
      return { items, total: items.length };
    },
    async listOpenAlerts() {
      return rows.filter((row) => row.state !== 'resolved');
    },
    async listAlertChanges(afterSeq, limit) {
      return rows.filter((row) => row.changeSeq > afterSeq).sort((a, b) => a.changeSeq - b.changeSeq).slice(0, limit);
    },
  };
}

function ruleRecord(id: number, condition: AlertCondition, scope: AlertScope = { kind: 'all' }): AlertRuleRecord {
  return { id, version: 1, name: `rule ${id}`, severity: 'major', scope, condition, isEnabled: true, channelIds: [], createdAtMs: 0, updatedAtMs: 0 };
}

async function setUp(rules: AlertRuleRecord[], store = memoryLedgerStore()) {
  const ledger = createOpenAlertLedger({ store, onWriteFailed: (error) => assert.fail(String(error)) });
  await ledger.load();
  const compiled = rules.map(compileRule);
  const ruleSet = createRuleSet(compiled, await loadScopeMembers(compiled.map((rule) => rule.scope), { devicesAtSite: async () => [], devicesTagged: async () => [] }));
  const evaluator = createAlertEvaluator({ ledger, modelsById: () => new Map(), siteOf: () => 7 }, ruleSet);
  return { store, ledger, evaluator, compiled };
}

const HOT = ruleRecord(1, { kind: 'threshold', field: 'oil', operator: 'above', high: 200, forS: 60, hysteresis: 5 });

test('a threshold with a duration opens a pending alert, fires after the duration, and resolves only past the hysteresis', async () => {
  const { store, ledger, evaluator } = await setUp([HOT]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 190 });
  evaluator.observeHeartbeat(CWM, FRYER, 1000, { oil: 210 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => [row.state, row.triggerValue, row.siteId, row.cwmId]), [['pending', 210, 7, CWM]]);
  evaluator.observeHeartbeat(CWM, FRYER, 30_000, { oil: 215 });
  await ledger.settle();
  assert.equal(store.rows[0]?.state, 'pending', 'half the duration: still pending');
  evaluator.observeHeartbeat(CWM, FRYER, 61_000, { oil: 212 });
  await ledger.settle();
  assert.deepEqual([store.rows[0]?.state, store.rows[0]?.firedAtMs], ['firing', 61_000]);
  evaluator.observeHeartbeat(CWM, FRYER, 70_000, { oil: 197 });
  await ledger.settle();
  assert.equal(store.rows[0]?.state, 'firing', '197 is inside the bound but not by the hysteresis of 5');
  evaluator.observeHeartbeat(CWM, FRYER, 80_000, { oil: 194 });
  await ledger.settle();
  assert.deepEqual([store.rows[0]?.state, store.rows[0]?.clearValue], ['resolved', 194]);
  assert.equal(store.rows.length, 1, 'one alert for the whole episode');
});

test('a pending threshold cancelled before its duration is resolved without ever firing', async () => {
  const { store, ledger, evaluator } = await setUp([HOT]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 210 });
  evaluator.observeHeartbeat(CWM, FRYER, 10_000, { oil: 150 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => [row.state, row.firedAtMs]), [['resolved', null]]);
});

test('a pending duration survives a restart: the stored pending alert fires on the timer with no new heartbeat', async () => {
  const first = await setUp([HOT]);
  first.evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 230 });
  await first.ledger.settle();
  const restarted = await setUp([HOT], first.store);
  restarted.evaluator.tick(30_000);
  await restarted.ledger.settle();
  assert.equal(first.store.rows[0]?.state, 'pending');
  restarted.evaluator.tick(60_000);
  await restarted.ledger.settle();
  assert.deepEqual([first.store.rows[0]?.state, first.store.rows[0]?.firedAtMs, first.store.rows[0]?.triggerValue], ['firing', 60_000, 230]);
});

test('values that are not numbers, and heartbeats without the field, are no samples', async () => {
  const { store, ledger, evaluator } = await setUp([ruleRecord(2, { kind: 'threshold', field: 'oil', operator: 'below', low: 10 })]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 'cold' });
  evaluator.observeHeartbeat(CWM, FRYER, 1, { other: 1 });
  evaluator.observeHeartbeat(CWM, FRYER, 2, { oil: null });
  await ledger.settle();
  assert.equal(store.rows.length, 0);
  evaluator.observeHeartbeat(CWM, FRYER, 3, { oil: 5 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => row.state), ['firing'], 'no duration: fires at once');
});

test('AND of a threshold and an offline CWM fires only while both hold, for the equipment behind that CWM', async () => {
  const rule = ruleRecord(3, { kind: 'combined', join: 'and', conditions: [{ kind: 'threshold', field: 'oil', operator: 'above', high: 200 }, { kind: 'offline', intervals: 3 }] });
  const { store, ledger, evaluator, compiled } = await setUp([rule]);
  const compiledRule = compiled[0];
  assert.ok(compiledRule);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 250 });
  await ledger.settle();
  assert.equal(store.rows.length, 0, 'hot but online');
  evaluator.setCwmPart(compiledRule, 1, CWM, { silentS: 300 }, 300_000);
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => [row.subjectId, row.state]), [[FRYER, 'firing']]);
  evaluator.setCwmPart(compiledRule, 1, CWM, undefined, 400_000);
  await ledger.settle();
  assert.equal(store.rows[0]?.state, 'resolved');
});

test('OR of two thresholds fires on either, and resolves when neither holds', async () => {
  const rule = ruleRecord(4, { kind: 'combined', join: 'or', conditions: [{ kind: 'threshold', field: 'oil', operator: 'above', high: 200 }, { kind: 'threshold', field: 'level', operator: 'below', low: 20 }] });
  const { store, ledger, evaluator } = await setUp([rule]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 180, level: 10 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => row.state), ['firing']);
  assert.match(store.rows[0]?.summary ?? '', /level 10 below 20/);
  evaluator.observeHeartbeat(CWM, FRYER, 1000, { oil: 180, level: 50 });
  await ledger.settle();
  assert.equal(store.rows[0]?.state, 'resolved');
});

test('a counter that increased fires once per rise, not on its first sample', async () => {
  const { store, ledger, evaluator } = await setUp([ruleRecord(5, { kind: 'counter-increased', field: 'faults' })]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { faults: 3 });
  evaluator.observeHeartbeat(CWM, FRYER, 1000, { faults: 3 });
  await ledger.settle();
  assert.equal(store.rows.length, 0);
  evaluator.observeHeartbeat(CWM, FRYER, 2000, { faults: 4 });
  evaluator.observeHeartbeat(CWM, FRYER, 3000, { faults: 4 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => [row.state, row.triggerValue]), [['firing', 4]]);
  evaluator.tick(2000 + 15 * 60_000);
  await ledger.settle();
  assert.equal(store.rows[0]?.state, 'resolved', 'the rise lapses after the hold time');
});

test('a rule scoped to a model ignores equipment of other models', async () => {
  const { store, ledger, evaluator } = await setUp([ruleRecord(6, { kind: 'threshold', field: 'oil', operator: 'above', high: 1 }, { kind: 'model', modelId: 'E0C1' })]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { oil: 5 });
  evaluator.observeHeartbeat(CWM, 'e0c1000000000009', 0, { oil: 5 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => row.subjectId), ['e0c1000000000009']);
});

test('two counter rules on the same field both see a rise (the last value is shared, the rise read once per heartbeat)', async () => {
  const { store, ledger, evaluator } = await setUp([ruleRecord(7, { kind: 'counter-increased', field: 'faults' }), ruleRecord(8, { kind: 'counter-increased', field: 'faults' })]);
  evaluator.observeHeartbeat(CWM, FRYER, 0, { faults: 1 });
  evaluator.observeHeartbeat(CWM, FRYER, 1000, { faults: 2 });
  await ledger.settle();
  assert.deepEqual(store.rows.map((row) => [row.ruleId, row.state]).sort(), [[7, 'firing'], [8, 'firing']]);
});
