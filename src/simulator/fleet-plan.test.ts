import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFleet } from './fleet-plan.js';

test('the same seed plans the same fleet, another seed another one', () => {
  const a = planFleet({ devices: 20, okesPerCwm: 3, seed: 5 });
  assert.deepEqual(planFleet({ devices: 20, okesPerCwm: 3, seed: 5 }), a);
  assert.notDeepEqual(planFleet({ devices: 20, okesPerCwm: 3, seed: 6 }), a);
});

test('CWM ids, OKE ids and keys have the shapes a real fleet uses', () => {
  const plans = planFleet({ devices: 50, okesPerCwm: 4, seed: 1 });
  assert.equal(new Set(plans.map((p) => p.id)).size, 50, 'CWM ids are unique');
  for (const plan of plans) {
    assert.match(plan.id, /^0002[0-9a-f]{12}$/);
    assert.match(plan.key, /^[0-9a-f]{32}$/);
    assert.ok(plan.okes.length >= 1 && plan.okes.length <= 4);
    for (const oke of plan.okes) {
      assert.match(oke.id, /^\d{4}[0-9a-f]{12}$/);
      assert.equal(oke.id.slice(0, 4), oke.model);
    }
  }
});
