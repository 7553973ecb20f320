// Evaluation of the loaded rules (issue 16), in memory: the state of each rule part for each subject, updated by
// what the node sees (a heartbeat's values, a CWM gone silent or back, a device problem found by the sweep), and
// turned into what the ledger should hold: no alert, a pending one or a firing one. Nothing here reads the store;
// the ledger writes behind. A single threshold rule goes through pending with its duration (the pending state is
// the stored pending alert, so a restart resumes it); other rules fire when their parts hold (AND/OR).
//
// This runs for every stored heartbeat, once per rule that can touch it: states are found by rule id and part
// index (no key strings built), a heartbeat's model and each field's value are worked out once per heartbeat,
// and nothing is allocated when nothing changes (a first version that did otherwise cost 157 us per heartbeat
// with 80 rules; bench/alert-rules-push.ts measures the push path with 100).

import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import { fieldsByKey } from '../equipment-model/dictionary-index.js';
import { modelIdOfOrigin } from '../equipment/equipment-model-of.js';
import type { AlertRecord, AlertValue } from './alert-store.js';
import { isFieldCondition, type CompiledRule, type SimpleCondition } from './compiled-rule.js';
import { describeCondition } from './condition-summary.js';
import { numberOfField } from './field-number.js';
import type { OpenAlertLedger, WantedState } from './open-alert-ledger.js';
import type { RuleSet } from './rule-set.js';
import { advanceThreshold, INITIAL_THRESHOLD_STATE, isBreach, stepThreshold, type ThresholdState } from './threshold-tracker.js';

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

/** The states of one part of one rule, by subject (equipment or CWM id). */
interface PartStates {
  /** Thresholds away from ok only: 100 rules x 100,000 equipment at rest cost nothing. */
  readonly thresholds: Map<string, ThresholdState>;
  readonly counterRises: Map<string, CounterRise>;
  /** CWM-level parts: the CWMs it holds for, with the value it holds on. */
  readonly cwms: Map<string, AlertValue>;
}

const EMPTY_HOLDING: ReadonlyMap<string, AlertValue> = new Map();

function newPartStates(): PartStates {
  return { thresholds: new Map(), counterRises: new Map(), cwms: new Map() };
}

function firstOrNull(values: readonly AlertValue[]): AlertValue {
  return values[0] ?? null;
}

export function createAlertEvaluator(deps: AlertEvaluatorDeps, initialRules: RuleSet): AlertEvaluator {
  let rules = initialRules;
  const states = new Map<number, PartStates[]>();
  // Each counter field's last value per equipment, shared by every rule on that field: memory follows the
  // counters watched and the equipment, not the number of rules.
  const counterLast = new Map<string, Map<string, number>>();
  // Equipment under each CWM, for equipment rules with a CWM part (an offline CWM's fryers).
  const equipmentOfCwm = new Map<string, Set<string>>();

  const partStatesOf = (rule: CompiledRule, partIndex: number): PartStates => {
    let parts = states.get(rule.id);
    if (parts === undefined) states.set(rule.id, (parts = rule.parts.map(newPartStates)));
    return parts[partIndex] ?? newPartStates();
  };

  const thresholdOf = (rule: CompiledRule, parts: PartStates, subjectId: string): ThresholdState => {
    const stored = parts.thresholds.get(subjectId);
    if (stored !== undefined) return stored;
    // A single threshold's pending or firing state is its open alert: after a restart, from the store.
    if (rule.isSingleThreshold) {
      const open = deps.ledger.current(rule.id, subjectId);
      if (open !== undefined) return stateFromAlert(open);
    }
    return INITIAL_THRESHOLD_STATE;
  };
  const putThreshold = (rule: CompiledRule, parts: PartStates, subjectId: string, state: ThresholdState): void => {
    // An ok state is kept while the alert it resolves is still open (else the open alert would stand for it).
    if (state.phase === 'ok' && deps.ledger.current(rule.id, subjectId) === undefined) parts.thresholds.delete(subjectId);
    else parts.thresholds.set(subjectId, state);
  };

  const holdsOf = (rule: CompiledRule, partIndex: number, part: SimpleCondition, subjectId: string, cwmId: string, nowMs: number): AlertValue | undefined => {
    const parts = partStatesOf(rule, partIndex);
    switch (part.kind) {
      case 'threshold': {
        const state = thresholdOf(rule, parts, subjectId);
        return state.phase === 'firing' ? state.lastValue : undefined;
      }
      case 'counter-increased': {
        const rise = parts.counterRises.get(subjectId);
        return rise !== undefined && nowMs - rise.atMs < COUNTER_HOLD_MS ? rise.value : undefined;
      }
      case 'offline':
      case 'device-problem':
        return parts.cwms.get(cwmId);
    }
  };

  const want = (rule: CompiledRule, subjectId: string, cwmId: string, atMs: number, wanted: WantedState, value: AlertValue, summary: () => string): void => {
    // Most evaluations change nothing: no alert wanted before or after, nothing built.
    if (deps.ledger.wantedOf(rule.id, subjectId) === wanted) return;
    deps.ledger.want({ ruleId: rule.id, ruleVersion: rule.version, subjectId, cwmId, siteId: deps.siteOf(cwmId), state: wanted, atMs, value, summary: summary() });
  };

  const decide = (rule: CompiledRule, subjectId: string, cwmId: string, atMs: number): void => {
    const first = rule.parts[0];
    if (first === undefined) return;
    if (rule.isSingleThreshold) {
      const state = thresholdOf(rule, partStatesOf(rule, 0), subjectId);
      const value = state.phase === 'ok' ? state.lastValue : state.triggerValue;
      want(rule, subjectId, cwmId, atMs, state.phase === 'ok' ? 'none' : state.phase, value, () => describeCondition(first, value));
      return;
    }
    const values: Array<AlertValue | undefined> = rule.parts.map((part, index) => holdsOf(rule, index, part, subjectId, cwmId, atMs));
    const holds = rule.join === 'and' ? values.every((value) => value !== undefined) : values.some((value) => value !== undefined);
    const shown = values.map((value) => value ?? null);
    const value: AlertValue = shown.length === 1 ? firstOrNull(shown) : Object.fromEntries(rule.parts.map((part, index) => [`${index}:${part.kind}`, shown[index] ?? null]));
    want(rule, subjectId, cwmId, atMs, holds ? 'firing' : 'none', value, () =>
      rule.parts.map((part, index) => describeCondition(part, shown[index] ?? null)).join(rule.join === 'and' ? ' AND ' : ' OR '),
    );
  };

  return {
    get rules() {
      return rules;
    },
    setRules(next) {
      for (const rule of rules.rules) {
        const kept = next.findRule(rule.id);
        if (kept === undefined || kept.version !== rule.version) states.delete(rule.id);
      }
      rules = next;
    },
    observeHeartbeat(cwmId, originId, atMs, heartbeat) {
      const matching = rules.fieldRulesFor(cwmId, originId);
      if (matching.length === 0) return;
      const modelId = modelIdOfOrigin(originId, cwmId);
      const model = modelId === null ? undefined : deps.modelsById().get(modelId);
      const fields = model === undefined ? undefined : fieldsByKey(model);
      // Each field's number, worked out once for all the rules that read it.
      const numbers = new Map<string, number | null>();
      // Each counter's value before this heartbeat, read (and replaced by this one) once for all its rules.
      const previousCounters = new Map<string, number | undefined>();
      const previousCounterOf = (key: string, value: number): number | undefined => {
        if (previousCounters.has(key)) return previousCounters.get(key);
        let bySubject = counterLast.get(key);
        if (bySubject === undefined) counterLast.set(key, (bySubject = new Map()));
        const previous = bySubject.get(originId);
        bySubject.set(originId, value);
        previousCounters.set(key, previous);
        return previous;
      };
      const valueOf = (key: string): number | null => {
        let value = numbers.get(key);
        if (value === undefined) {
          value = numberOfField(fields?.get(key), heartbeat[key]);
          numbers.set(key, value);
        }
        return value;
      };
      for (const rule of matching) {
        let hasCwmPart = false;
        // Only a part that changed can change what the rule wants: most heartbeats change none.
        let isChanged = false;
        for (let index = 0; index < rule.parts.length; index++) {
          const part = rule.parts[index];
          if (part === undefined) continue;
          if (!isFieldCondition(part)) {
            hasCwmPart = true;
            continue;
          }
          if (!(part.field in heartbeat)) continue;
          const value = valueOf(part.field);
          if (value === null) continue;
          const parts = partStatesOf(rule, index);
          if (part.kind === 'threshold') {
            const before = thresholdOf(rule, parts, originId);
            if (before.phase === 'ok' && !isBreach(part, value)) continue;
            const step = stepThreshold(part, before, value, atMs);
            putThreshold(rule, parts, originId, step.state);
            if (step.transition !== null) isChanged = true;
            continue;
          }
          const last = previousCounterOf(part.field, value);
          if (last !== undefined && value > last) {
            parts.counterRises.set(originId, { atMs, value });
            isChanged = true;
          }
        }
        if (hasCwmPart) {
          let ofCwm = equipmentOfCwm.get(cwmId);
          if (ofCwm === undefined) equipmentOfCwm.set(cwmId, (ofCwm = new Set()));
          ofCwm.add(originId);
        }
        if (isChanged) decide(rule, originId, cwmId, atMs);
      }
    },
    setCwmPart(rule, partIndex, cwmId, value, atMs) {
      const holding = partStatesOf(rule, partIndex).cwms;
      if (value === undefined) {
        if (!holding.has(cwmId)) return;
        holding.delete(cwmId);
      } else holding.set(cwmId, value);
      if (rule.level === 'cwm') {
        decide(rule, cwmId, cwmId, atMs);
        return;
      }
      for (const subjectId of equipmentOfCwm.get(cwmId) ?? []) if (rules.isInScope(rule, { subjectId, cwmId })) decide(rule, subjectId, cwmId, atMs);
    },
    cwmsHolding: (rule, partIndex) => states.get(rule.id)?.[partIndex]?.cwms ?? EMPTY_HOLDING,
    tick(nowMs) {
      // Pending single thresholds: their stored alerts (O(pending)), fired once the duration has passed.
      for (const open of [...deps.ledger.pendingAlerts()]) {
        const rule = rules.findRule(open.ruleId);
        const part = rule?.parts[0];
        if (rule === undefined || !rule.isSingleThreshold || part?.kind !== 'threshold') continue;
        const parts = partStatesOf(rule, 0);
        const step = advanceThreshold(part, thresholdOf(rule, parts, open.subjectId), nowMs);
        if (step.transition === null) continue;
        putThreshold(rule, parts, open.subjectId, step.state);
        decide(rule, open.subjectId, open.cwmId, nowMs);
      }
      // Counter increases that have lapsed.
      for (const [ruleId, parts] of states) {
        const rule = rules.findRule(ruleId);
        for (const part of parts) {
          for (const [subjectId, rise] of part.counterRises) {
            if (nowMs - rise.atMs < COUNTER_HOLD_MS) continue;
            part.counterRises.delete(subjectId);
            const open = rule === undefined ? undefined : deps.ledger.current(rule.id, subjectId);
            if (rule !== undefined && open !== undefined) decide(rule, subjectId, open.cwmId, nowMs);
          }
        }
      }
    },
    adopt(record) {
      const rule = rules.findRule(record.ruleId);
      if (rule === undefined || !rule.isSingleThreshold) return;
      const parts = partStatesOf(rule, 0);
      const current = parts.thresholds.get(record.subjectId);
      if (record.state === 'resolved') {
        if (current !== undefined) putThreshold(rule, parts, record.subjectId, { ...INITIAL_THRESHOLD_STATE, lastValue: current.lastValue });
        return;
      }
      const adopted = stateFromAlert(record);
      putThreshold(rule, parts, record.subjectId, { ...adopted, lastValue: current?.lastValue ?? adopted.lastValue });
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
