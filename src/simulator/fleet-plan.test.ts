import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
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
      assert.match(oke.id, /^[0-9a-f]{16}$/);
      assert.equal(oke.id.slice(0, 4), oke.model);
    }
  }
});

test('OKEs are the built-in example models, mostly fryers and some combi ovens', () => {
  const okes = planFleet({ devices: 400, okesPerCwm: 4, seed: 2 }).flatMap((plan) => plan.okes);
  const fryers = okes.filter((oke) => oke.model === EXAMPLE_FRYER_MODEL.modelId).length;
  const ovens = okes.filter((oke) => oke.model === EXAMPLE_COMBI_OVEN_MODEL.modelId).length;
  assert.equal(fryers + ovens, okes.length, 'no other model');
  assert.ok(fryers > 2 * ovens && ovens > okes.length / 10, `${fryers} fryers, ${ovens} combi ovens`);
});

test('CWMs are grouped into sites of about four, each with its own locally administered gateway MAC', () => {
  const plans = planFleet({ devices: 1000, okesPerCwm: 2, seed: 3 });
  const bySite = new Map<string, number>();
  for (const plan of plans) {
    assert.match(plan.gatewayMac, /^02:00:5e(:[0-9a-f]{2}){3}$/);
    bySite.set(plan.gatewayMac, (bySite.get(plan.gatewayMac) ?? 0) + 1);
  }
  const sizes = [...bySite.values()];
  assert.ok(sizes.every((size) => size >= 1 && size <= 6), `site sizes ${Math.min(...sizes)}..${Math.max(...sizes)}`);
  const mean = plans.length / sizes.length;
  assert.ok(mean >= 3 && mean <= 5, `${mean} CWMs per site on average`);
  // A site's CWMs are consecutive: a MAC never comes back after another one.
  const order = plans.map((plan) => plan.gatewayMac).filter((mac, i, all) => mac !== all[i - 1]);
  assert.equal(order.length, bySite.size);
  const okesPerMac = new Map<string, number>();
  for (const plan of plans) okesPerMac.set(plan.gatewayMac, (okesPerMac.get(plan.gatewayMac) ?? 0) + plan.okes.length);
  assert.ok([...okesPerMac.values()].filter((okes) => okes >= 3).length > bySite.size / 2, 'most sites have several OKEs');
});

test('sites and MACs follow the seed; the CWM ids and keys of a seed do not depend on the number of devices', () => {
  const small = planFleet({ devices: 10, okesPerCwm: 2, seed: 8 });
  const large = planFleet({ devices: 30, okesPerCwm: 2, seed: 8 });
  assert.deepEqual(large.slice(0, 10), small);
  assert.notDeepEqual(planFleet({ devices: 10, okesPerCwm: 2, seed: 9 }).map((plan) => plan.gatewayMac), small.map((plan) => plan.gatewayMac));
});
