// One threshold rule on one device (issue 16): ok -> pending (the value crossed the bound) -> firing (it stayed
// there for the rule's `forS`) -> ok again once the value is back inside the bound by the hysteresis. A pure state
// machine over plain data, so the state can be stored as it is (a restart must not forget a half-elapsed
// duration) and evaluated on the push path without a read.

import type { ThresholdCondition } from './alert-rule.js';

export type ThresholdPhase = 'ok' | 'pending' | 'firing';

export interface ThresholdState {
  readonly phase: ThresholdPhase;
  /** When the current phase began (for `pending`, when the bound was first crossed). */
  readonly sinceMs: number;
  /** The value that crossed the bound (pending) or fired the alert (firing); null when ok. */
  readonly triggerValue: number | null;
  /** The last value seen. */
  readonly lastValue: number | null;
}

/** What a step did: the transition an alert store and notifications act on; null when nothing changed phase. */
export type ThresholdTransition = 'pending' | 'fired' | 'cancelled' | 'resolved';

export interface ThresholdStep {
  readonly state: ThresholdState;
  readonly transition: ThresholdTransition | null;
}

export const INITIAL_THRESHOLD_STATE: ThresholdState = { phase: 'ok', sinceMs: 0, triggerValue: null, lastValue: null };

/** True when `value` is past the condition's bound (above: > high; below: < low; outside: either). */
export function isBreach(condition: ThresholdCondition, value: number): boolean {
  const isAbove = condition.high !== undefined && value > condition.high;
  const isBelow = condition.low !== undefined && value < condition.low;
  switch (condition.operator) {
    case 'above':
      return isAbove;
    case 'below':
      return isBelow;
    case 'outside':
      return isAbove || isBelow;
  }
}

/** True when a firing alert may resolve: `value` is back inside every bound by the hysteresis. */
export function isClear(condition: ThresholdCondition, value: number): boolean {
  const margin = condition.hysteresis ?? 0;
  const isUnderHigh = condition.high === undefined || condition.operator === 'below' || value <= condition.high - margin;
  const isOverLow = condition.low === undefined || condition.operator === 'above' || value >= condition.low + margin;
  return isUnderHigh && isOverLow;
}

function durationMs(condition: ThresholdCondition): number {
  return (condition.forS ?? 0) * 1000;
}

/**
 * The state after a new sample `value` at `atMs`. A value that is not a finite number (a mismatch, a field
 * missing from this heartbeat) is no sample: the state stays, and a pending duration keeps running.
 */
export function stepThreshold(condition: ThresholdCondition, state: ThresholdState, value: unknown, atMs: number): ThresholdStep {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { state, transition: null };
  switch (state.phase) {
    case 'ok':
      if (!isBreach(condition, value)) return { state: { ...state, lastValue: value }, transition: null };
      if (durationMs(condition) === 0) return { state: { phase: 'firing', sinceMs: atMs, triggerValue: value, lastValue: value }, transition: 'fired' };
      return { state: { phase: 'pending', sinceMs: atMs, triggerValue: value, lastValue: value }, transition: 'pending' };
    case 'pending':
      if (!isBreach(condition, value)) return { state: { phase: 'ok', sinceMs: atMs, triggerValue: null, lastValue: value }, transition: 'cancelled' };
      if (atMs - state.sinceMs >= durationMs(condition)) return { state: { phase: 'firing', sinceMs: atMs, triggerValue: value, lastValue: value }, transition: 'fired' };
      return { state: { ...state, lastValue: value }, transition: null };
    case 'firing':
      if (isClear(condition, value)) return { state: { phase: 'ok', sinceMs: atMs, triggerValue: null, lastValue: value }, transition: 'resolved' };
      return { state: { ...state, lastValue: value }, transition: null };
  }
}

/**
 * The state at `atMs` without a new sample: a pending alert whose duration has run out fires with the last value
 * (the device's value stands until it reports another). For the timer that sweeps pending alerts.
 */
export function advanceThreshold(condition: ThresholdCondition, state: ThresholdState, atMs: number): ThresholdStep {
  if (state.phase !== 'pending' || atMs - state.sinceMs < durationMs(condition)) return { state, transition: null };
  return { state: { phase: 'firing', sinceMs: atMs, triggerValue: state.lastValue, lastValue: state.lastValue }, transition: 'fired' };
}
