// Evaluation of the loaded rules (issue 16), in memory: the state of each rule part for each subject, updated by
// what the node sees (a heartbeat's values, a CWM gone silent or back, a device problem found by the sweep), and
// turned into what the ledger should hold: no alert, a pending one or a firing one. Nothing here reads the store;
// the ledger writes behind. A single threshold rule goes through pending with its duration (the pending state is
// the stored pending alert, so a restart resumes it); other rules fire when their parts hold (AND/OR).

import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import { fieldsByKey } from '../equipment-model/dictionary-index.js';
import { decodeField } from '../equipment-model/field-decoding.js';
import { modelIdOfOrigin } from '../equipment/equipment-model-of.js';
import type { AlertRecord, AlertValue } from './alert-store.js';
import { isFieldCondition, partKeyOf, type CompiledRule, type SimpleCondition } from './compiled-rule.js';
import { describeCondition } from './condition-summary.js';
import type { OpenAlertLedger } from './open-alert-ledger.js';
import type { RuleSet } from './rule-set.js';
import { advanceThreshold, INITIAL_THRESHOLD_STATE, stepThreshold, type ThresholdState } from './threshold-tracker.js';

/** How long a counter's increase holds (an event alert resolves once the counter has stayed put this long). */
export const COUNTER_HOLD_MS = 15 * 60_000;

export interface AlertEvaluatorDeps {
  readonly ledger: OpenAlertLedger;
  /** The current models by id, at once (model-catalog.ts peekModels). */
  readonly modelsById: () => ReadonlyMap<string, EquipmentModel>;
  /** The CWM's site as last known; null: none or unknown. */
  readonly siteOf: (cwmId: string) => number | null;
}

export interface AlertEvaluator {
  /** Replaces the rules; states of rules removed or changed (new version) start again. */
  setRules(rules: RuleSet): void;
  readonly rules: RuleSet;
  /** A stored heartbeat of equipment `originId` behind `cwmId`. */
  observeHeartbeat(cwmId: string, originId: string, atMs: number, heartbeat: Readonly<Record<string, unknown>>): void;
  /** Whether a CWM-level part (offline, a device problem) holds for `cwmId` now; `value` undefined: it does not. */
  setCwmPart(rule: CompiledRule, partIndex: number, cwmId: string, value: AlertValue | undefined, atMs: number): void;
  /** CWMs a CWM-level part holds for (to find those it no longer holds for). */
  cwmsHolding(rule: CompiledRule, partIndex: number): ReadonlyMap<string, AlertValue>;
  /** Time passing with no new sample: pending durations run out, counters' increases lapse. */
  tick(nowMs: number): void;
  /** An alert another node changed: thresholds follow the store. */
  adopt(record: AlertRecord): void;
}

interface CounterRise {
  readonly atMs: number;
  readonly value: number;
}

function joinHolds(join: 'and' | 'or', holds: readonly boolean[]): boolean {
  return join === 'and' ? holds.every(Boolean) : holds.some(Boolean);
}

function nestedMap<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = outer.get(key);
  if (inner === undefined) outer.set(key, (inner = new Map()));
  return inner;
}

export function createAlertEvaluator(deps: AlertEvaluatorDeps, initialRules: RuleSet): AlertEvaluator {
  let rules = initialRules;
  // Only thresholds away from ok are kept: 100 rules x 100,000 equipment at rest cost nothing.
  const thresholds = new Map<string, Map<string, ThresholdState>>();
  const counterLast = new Map<string, Map<string, number>>();
  const counterRises = new Map<string, Map<string, CounterRise>>();
  const cwmParts = new Map<string, Map<string, AlertValue>>();
  // Equipment under each CWM, for equipment rules with a CWM part (an offline CWM's fryers).
  const equipmentOfCwm = new Map<string, Set<string>>();

  const numberOf = (cwmId: string, originId: string, key: string, raw: unknown): number | null => {
    const modelId = modelIdOfOrigin(originId, cwmId);
    const model = modelId === null ? undefined : deps.modelsById().get(modelId);
    const field = model === undefined ? undefined : fieldsByKey(model).get(key);
    const value = field === undefined ? raw : decodeField(field, raw).value;
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };

  const thresholdOf = (rule: CompiledRule, partIndex: number, subjectId: string): ThresholdState => {
    const stored = thresholds.get(partKeyOf(rule.id, partIndex))?.get(subjectId);
    if (stored !== undefined) return stored;
    // A single threshold's pending or firing state is its open alert: after a restart, from the store.
    if (rule.isSingleThreshold) {
      const open = deps.ledger.current(rule.id, subjectId);
      if (open !== undefined) return stateFromAlert(open);
    }
    return INITIAL_THRESHOLD_STATE;
  };
  const putThreshold = (rule: CompiledRule, partIndex: number, subjectId: string, state: ThresholdState): void => {
    const key = partKeyOf(rule.id, partIndex);
    // An ok state is kept while the alert it resolves is still open (else the open alert would stand for it).
    if (state.phase === 'ok' && deps.ledger.current(rule.id, subjectId) === undefined) {
      thresholds.get(key)?.delete(subjectId);
      return;
    }
    nestedMap(thresholds, key).set(subjectId, state);
  };

  const holdsOf = (rule: CompiledRule, partIndex: number, part: SimpleCondition, subjectId: string, cwmId: string, nowMs: number): { holds: boolean; value: AlertValue } => {
    const key = partKeyOf(rule.id, partIndex);
    switch (part.kind) {
      case 'threshold': {
        const state = thresholdOf(rule, partIndex, subjectId);
        return { holds: state.phase === 'firing', value: state.lastValue };
      }
      case 'counter-increased': {
        const rise = counterRises.get(key)?.get(subjectId);
        return rise !== undefined && nowMs - rise.atMs < COUNTER_HOLD_MS ? { holds: true, value: rise.value } : { holds: false, value: counterLast.get(key)?.get(subjectId) ?? null };
      }
      case 'offline':
      case 'device-problem': {
        const value = cwmParts.get(key)?.get(cwmId);
        return value === undefined ? { holds: false, value: null } : { holds: true, value };
      }
    }
  };

  const decide = (rule: CompiledRule, subjectId: string, cwmId: string, atMs: number): void => {
    const base = { ruleId: rule.id, ruleVersion: rule.version, subjectId, cwmId, atMs, get siteId() { return deps.siteOf(cwmId); } };
    if (rule.isSingleThreshold) {
      const part = rule.parts[0];
      if (part === undefined) return;
      const state = thresholdOf(rule, 0, subjectId);
      const wanted = state.phase === 'ok' ? 'none' : state.phase;
      // Most heartbeats change nothing: no alert wanted before or after, nothing built.
      if (deps.ledger.wantedOf(rule.id, subjectId) === wanted) return;
      const value = state.phase === 'ok' ? state.lastValue : state.triggerValue;
      deps.ledger.want({ ...base, state: wanted, value, summary: describeCondition(part, value) });
      return;
    }
    const results = rule.parts.map((part, index) => holdsOf(rule, index, part, subjectId, cwmId, atMs));
    const holds = joinHolds(rule.join, results.map((result) => result.holds));
    if (deps.ledger.wantedOf(rule.id, subjectId) === (holds ? 'firing' : 'none')) return;
    const summary = rule.parts.map((part, index) => describeCondition(part, results[index]?.value ?? null)).join(rule.join === 'and' ? ' AND ' : ' OR ');
    const value: AlertValue = results.length === 1 ? (results[0]?.value ?? null) : Object.fromEntries(rule.parts.map((part, index) => [`${index}:${part.kind}`, results[index]?.value ?? null]));
    deps.ledger.want({ ...base, state: holds ? 'firing' : 'none', value, summary });
  };

  const stepFieldPart = (rule: CompiledRule, partIndex: number, part: SimpleCondition, cwmId: string, originId: string, atMs: number, heartbeat: Readonly<Record<string, unknown>>): void => {
    if (!isFieldCondition(part) || !(part.field in heartbeat)) return;
    const value = numberOf(cwmId, originId, part.field, heartbeat[part.field]);
    if (value === null) return;
    if (part.kind === 'threshold') {
      const step = stepThreshold(part, thresholdOf(rule, partIndex, originId), value, atMs);
      putThreshold(rule, partIndex, originId, step.state);
      return;
    }
    const key = partKeyOf(rule.id, partIndex);
    const last = counterLast.get(key)?.get(originId);
    nestedMap(counterLast, key).set(originId, value);
    if (last !== undefined && value > last) nestedMap(counterRises, key).set(originId, { atMs, value });
  };

  return {
    get rules() {
      return rules;
    },
    setRules(next) {
      for (const rule of rules.rules) {
        const kept = next.findRule(rule.id);
        if (kept !== undefined && kept.version === rule.version) continue;
        rule.parts.forEach((_, index) => {
          const key = partKeyOf(rule.id, index);
          thresholds.delete(key);
          counterLast.delete(key);
          counterRises.delete(key);
          cwmParts.delete(key);
        });
      }
      rules = next;
    },
    observeHeartbeat(cwmId, originId, atMs, heartbeat) {
      const matching = rules.fieldRulesFor(cwmId, originId);
      for (const rule of matching) {
        rule.parts.forEach((part, index) => stepFieldPart(rule, index, part, cwmId, originId, atMs, heartbeat));
        if (rule.parts.length > 1 && rule.parts.some((part) => !isFieldCondition(part))) {
          let ofCwm = equipmentOfCwm.get(cwmId);
          if (ofCwm === undefined) equipmentOfCwm.set(cwmId, (ofCwm = new Set()));
          ofCwm.add(originId);
        }
        decide(rule, originId, cwmId, atMs);
      }
    },
    setCwmPart(rule, partIndex, cwmId, value, atMs) {
      const key = partKeyOf(rule.id, partIndex);
      const holding = cwmParts.get(key);
      if (value === undefined) {
        if (holding?.has(cwmId) !== true) return;
        holding.delete(cwmId);
      } else nestedMap(cwmParts, key).set(cwmId, value);
      if (rule.level === 'cwm') {
        decide(rule, cwmId, cwmId, atMs);
        return;
      }
      for (const subjectId of equipmentOfCwm.get(cwmId) ?? []) if (rules.isInScope(rule, { subjectId, cwmId })) decide(rule, subjectId, cwmId, atMs);
    },
    cwmsHolding: (rule, partIndex) => cwmParts.get(partKeyOf(rule.id, partIndex)) ?? new Map(),
    tick(nowMs) {
      // Pending single thresholds: their stored alerts (O(pending)), fired once the duration has passed.
      for (const open of [...deps.ledger.pendingAlerts()]) {
        const rule = rules.findRule(open.ruleId);
        const part = rule?.parts[0];
        if (rule === undefined || !rule.isSingleThreshold || part?.kind !== 'threshold') continue;
        const step = advanceThreshold(part, thresholdOf(rule, 0, open.subjectId), nowMs);
        if (step.transition === null) continue;
        putThreshold(rule, 0, open.subjectId, step.state);
        decide(rule, open.subjectId, open.cwmId, nowMs);
      }
      // Counter increases that have lapsed.
      for (const [key, rises] of counterRises) {
        const ruleId = Number(key.slice(0, key.indexOf(':')));
        const rule = rules.findRule(ruleId);
        for (const [subjectId, rise] of rises) {
          if (nowMs - rise.atMs < COUNTER_HOLD_MS) continue;
          rises.delete(subjectId);
          const open = rule === undefined ? undefined : deps.ledger.current(rule.id, subjectId);
          if (rule !== undefined && open !== undefined) decide(rule, subjectId, open.cwmId, nowMs);
        }
      }
    },
    adopt(record) {
      const rule = rules.findRule(record.ruleId);
      if (rule === undefined || !rule.isSingleThreshold) return;
      const current = thresholds.get(partKeyOf(rule.id, 0))?.get(record.subjectId);
      if (record.state === 'resolved') {
        if (current !== undefined) putThreshold(rule, 0, record.subjectId, { ...INITIAL_THRESHOLD_STATE, lastValue: current.lastValue });
        return;
      }
      putThreshold(rule, 0, record.subjectId, { ...stateFromAlert(record), lastValue: current?.lastValue ?? stateFromAlert(record).lastValue });
    },
  };
}

/** The threshold state an open alert stands for: pending since it opened, or firing since it fired. */
function stateFromAlert(record: AlertRecord): ThresholdState {
  const trigger = typeof record.triggerValue === 'number' ? record.triggerValue : null;
  return record.state === 'pending'
    ? { phase: 'pending', sinceMs: record.openedAtMs, triggerValue: trigger, lastValue: trigger }
    : { phase: 'firing', sinceMs: record.firedAtMs ?? record.openedAtMs, triggerValue: trigger, lastValue: trigger };
}
