import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ThresholdCondition } from './alert-rule.js';
import { INITIAL_THRESHOLD_STATE, advanceThreshold, isBreach, isClear, stepThreshold, type ThresholdState, type ThresholdTransition } from './threshold-tracker.js';

const HOT: ThresholdCondition = { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 190, forS: 300, hysteresis: 5 };

/** Feeds samples [atS, value] and says each transition. */
function run(condition: ThresholdCondition, samples: Array<[number, unknown]>): { transitions: Array<ThresholdTransition | null>; state: ThresholdState } {
  let state = INITIAL_THRESHOLD_STATE;
  const transitions: Array<ThresholdTransition | null> = [];
  for (const [atS, value] of samples) {
    const step = stepThreshold(condition, state, value, atS * 1000);
    state = step.state;
    transitions.push(step.transition);
  }
  return { transitions, state };
}

test('a value above the bound for the whole duration fires once, with the value that fired it', () => {
  const { transitions, state } = run(HOT, [[0, 180], [60, 195], [120, 196], [300, 197], [360, 198], [420, 199]]);
  assert.deepEqual(transitions, [null, 'pending', null, null, 'fired', null]);
  assert.deepEqual([state.phase, state.triggerValue, state.lastValue], ['firing', 198, 199]);
});

test('a dip back under the bound before the duration cancels it: no alert, and the duration starts over', () => {
  const { transitions } = run(HOT, [[0, 195], [200, 189], [260, 195], [500, 195], [560, 196]]);
  assert.deepEqual(transitions, ['pending', 'cancelled', 'pending', null, 'fired']);
});

test('hysteresis: a firing alert resolves only once the value is back under the bound by the margin', () => {
  const { transitions } = run({ ...HOT, forS: 0 }, [[0, 191], [10, 188], [20, 186], [30, 185], [40, 191]]);
  assert.deepEqual(transitions, ['fired', null, null, 'resolved', 'fired']);
});

test('values that are no sample (a mismatch, a missing field) change nothing, and a pending duration keeps running', () => {
  const { transitions, state } = run(HOT, [[0, 195], [100, 'hot'], [200, null], [301, Number.NaN], [302, 195]]);
  assert.deepEqual(transitions, ['pending', null, null, null, 'fired']);
  assert.equal(state.phase, 'firing');
});

test('without a new sample a pending alert fires when its duration runs out, with the last value', () => {
  const pending = run(HOT, [[0, 195], [60, 196]]).state;
  assert.equal(advanceThreshold(HOT, pending, 299_000).transition, null);
  const fired = advanceThreshold(HOT, pending, 300_000);
  assert.deepEqual([fired.transition, fired.state.phase, fired.state.triggerValue], ['fired', 'firing', 196]);
  assert.equal(advanceThreshold(HOT, INITIAL_THRESHOLD_STATE, 1e12).transition, null);
});

test('below and outside bounds, with hysteresis on the side that was crossed', () => {
  const band: ThresholdCondition = { kind: 'threshold', field: 'core_temp', operator: 'outside', low: 60, high: 90, hysteresis: 2 };
  assert.deepEqual([isBreach(band, 59), isBreach(band, 60), isBreach(band, 90), isBreach(band, 91)], [true, false, false, true]);
  assert.deepEqual([isClear(band, 61), isClear(band, 62), isClear(band, 88), isClear(band, 89)], [false, true, true, false]);
  const cold: ThresholdCondition = { kind: 'threshold', field: 'oil_temp', operator: 'below', low: 150, high: 999 };
  assert.deepEqual([isBreach(cold, 149), isBreach(cold, 1000), isClear(cold, 1000)], [true, false, true]);
});

test('the state is plain data: stored and read back (JSON), it continues where it was', () => {
  const pending = run(HOT, [[0, 195]]).state;
  const restored = JSON.parse(JSON.stringify(pending)) as ThresholdState;
  assert.equal(stepThreshold(HOT, restored, 196, 300_000).transition, 'fired');
});
