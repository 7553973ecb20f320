import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { findHeartbeatViolations } from './heartbeat-conformance.js';
import { createSeededRandom } from './seeded-random.js';
import { VirtualFryer } from './virtual-fryer.js';

const MODE = { off: 0, melt: 1, heating: 2, ready: 3, cooking: 4, filtering: 5, idle: 6 } as const;

function runFryer(seed: number, periodS: number, beats: number) {
  const fryer = new VirtualFryer('ABC123456789', createSeededRandom(seed));
  return Array.from({ length: beats }, () => {
    fryer.advance(periodS);
    return fryer.fields();
  });
}

const celsius = (raw: unknown): number => Number(raw) / 10;

for (const periodS of [1, 10, 60]) {
  test(`every field of 2,000 fryer heartbeats ${periodS} s apart is in the dictionary, decodes without mismatch and stays within min and max`, () => {
    for (const seed of [1, 2, 3]) {
      for (const [n, beat] of runFryer(seed, periodS, 2000).entries()) {
        assert.deepEqual(findHeartbeatViolations(EXAMPLE_FRYER_MODEL, beat), [], `seed ${seed}, heartbeat ${n}: ${JSON.stringify(beat)}`);
      }
    }
  });
}

test('a cold fryer melts and heats its oil to within 3 °C of the set point, reports ready and holds it there', () => {
  // Seeds that start cold (half the fleet does): the first heartbeat is off or melting at kitchen temperature.
  const cold = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => runFryer(seed, 10, 2000)).filter((beats) => celsius(beats[0]?.['oil_temp']) < 40);
  assert.ok(cold.length >= 2, 'some seeds start cold');
  for (const beats of cold) {
    const setC = celsius(beats[0]?.['set_temp']);
    assert.ok([163, 171, 177, 182].includes(setC), `set point ${setC}`);
    const modes = beats.map((beat) => beat['program_mode']);
    assert.ok(modes.indexOf(MODE.melt) < modes.indexOf(MODE.heating) && modes.indexOf(MODE.heating) < modes.indexOf(MODE.ready), 'melt, then heat, then ready');
    const ready = beats.filter((beat) => beat['program_mode'] === MODE.ready);
    assert.ok(ready.length > 10);
    for (const beat of ready) assert.ok(Math.abs(celsius(beat['oil_temp']) - setC) <= 3, `ready at ${celsius(beat['oil_temp'])} °C for ${setC} °C`);
  }
});

test('a basket going in starts the timer from set_time and drops the oil 10-20 °C, which then recovers; lifting it counts a cycle', () => {
  const beats = runFryer(4, 10, 2000);
  let drops = 0;
  for (let i = 1; i < beats.length; i++) {
    const before = beats[i - 1];
    const after = beats[i];
    if (before?.['program_mode'] !== MODE.ready || after?.['program_mode'] !== MODE.cooking) continue;
    drops++;
    assert.equal(after['basket_lifted'], false);
    assert.ok(Number(after['remaining_time']) <= Number(after['set_time']) && Number(after['remaining_time']) > Number(after['set_time']) - 10);
    const dropC = celsius(before['oil_temp']) - celsius(after['oil_temp']);
    assert.ok(dropC >= 7 && dropC <= 22, `oil dropped ${dropC} °C`);
    // Recovered to within 3 °C of the set point before the next basket (or the end of the run).
    const setC = celsius(after['set_temp']);
    const next = beats.slice(i).find((beat) => beat['program_mode'] === MODE.ready);
    if (next) assert.ok(Math.abs(celsius(next['oil_temp']) - setC) <= 3);
    const lifted = beats.slice(i).find((beat) => beat['basket_lifted'] === true);
    if (lifted) assert.equal(lifted['cook_cycles'], Number(before['cook_cycles']) + 1);
  }
  assert.ok(drops >= 5, `${drops} baskets went in`);
});

test('remaining_time counts down during a cook and is 0 otherwise', () => {
  const beats = runFryer(5, 10, 2000);
  for (let i = 1; i < beats.length; i++) {
    const before = beats[i - 1];
    const after = beats[i];
    if (after?.['program_mode'] !== MODE.cooking) {
      assert.equal(after?.['remaining_time'], 0);
      continue;
    }
    if (before?.['program_mode'] === MODE.cooking) assert.equal(Number(before['remaining_time']) - Number(after['remaining_time']), 10);
  }
});

test('cook_cycles only increase, filtering happens now and then, alarms are mostly 0 with rare bits', () => {
  let filterings = 0;
  let alarmed = 0;
  let total = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const beats = runFryer(seed, 60, 2000);
    for (let i = 1; i < beats.length; i++) {
      assert.ok(Number(beats[i]?.['cook_cycles']) >= Number(beats[i - 1]?.['cook_cycles']), 'never decreases');
      if (beats[i]?.['program_mode'] === MODE.filtering && beats[i - 1]?.['program_mode'] !== MODE.filtering) filterings++;
    }
    assert.ok(Number(beats.at(-1)?.['cook_cycles']) > Number(beats[0]?.['cook_cycles']), 'it cooked');
    alarmed += beats.filter((beat) => beat['alarms'] !== 0).length;
    total += beats.length;
  }
  assert.ok(filterings >= 3, `${filterings} filterings`);
  assert.ok(alarmed > 0 && alarmed < total * 0.05, `${alarmed} of ${total} heartbeats with an alarm`);
});

test('the nameplate (serial_no, vat_volume) is in every heartbeat, unchanged', () => {
  const beats = runFryer(9, 60, 50);
  assert.ok(beats.every((beat) => beat['serial_no'] === 'ABC123456789' && beat['vat_volume'] === beats[0]?.['vat_volume']));
});

test('the same seed gives the same heartbeats', () => {
  assert.deepEqual(runFryer(7, 60, 200), runFryer(7, 60, 200));
  assert.notDeepEqual(runFryer(7, 60, 200), runFryer(8, 60, 200));
});
