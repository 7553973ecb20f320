import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_COMBI_OVEN_MODEL } from '../domain/equipment-model/builtin-models.js';
import type { HeartbeatFields } from './equipment-physics.js';
import { findHeartbeatViolations } from './heartbeat-conformance.js';
import { createSeededRandom } from './seeded-random.js';
import { VirtualCombiOven } from './virtual-combi-oven.js';

const MODE = { off: 0, steam: 1, convection: 2, combi: 3, regenerate: 4, cleaning: 5, coolDown: 6 } as const;
const COOKING_MODES: readonly unknown[] = [MODE.steam, MODE.convection, MODE.combi, MODE.regenerate];

function runOven(seed: number, periodS: number, beats: number): HeartbeatFields[] {
  const oven = new VirtualCombiOven('0123456789AB', createSeededRandom(seed));
  return Array.from({ length: beats }, () => {
    oven.advance(periodS);
    return oven.fields();
  });
}

/** Consecutive heartbeats of one cook: a cooking mode with the door closed and the timer running. */
function cooks(beats: readonly HeartbeatFields[]): HeartbeatFields[][] {
  const found: HeartbeatFields[][] = [];
  let current: HeartbeatFields[] = [];
  for (const beat of beats) {
    const isCooking = COOKING_MODES.includes(beat['program_mode']) && beat['door_open'] === false && Number(beat['remaining_time']) > 0;
    if (isCooking) current.push(beat);
    else if (current.length > 0) {
      found.push(current);
      current = [];
    }
  }
  return found;
}

for (const periodS of [1, 10, 60]) {
  test(`every field of 2,000 combi oven heartbeats ${periodS} s apart is in the dictionary, decodes without mismatch and stays within min and max`, () => {
    for (const seed of [1, 2, 3]) {
      for (const [n, beat] of runOven(seed, periodS, 2000).entries()) {
        assert.deepEqual(findHeartbeatViolations(EXAMPLE_COMBI_OVEN_MODEL, beat), [], `seed ${seed}, heartbeat ${n}: ${JSON.stringify(beat)}`);
      }
    }
  });
}

test('during a cook the cabinet holds near set_temp and the core temperature rises toward set_core_temp', () => {
  const all = [1, 2, 3, 4].flatMap((seed) => cooks(runOven(seed, 60, 2000)));
  assert.ok(all.length >= 10, `${all.length} cooks`);
  for (const cook of all) {
    const cores = cook.map((beat) => Number(beat['core_temp']) / 10);
    const setCoreC = Number(cook[0]?.['set_core_temp']) / 10;
    assert.ok((cores.at(-1) ?? 0) > (cores[0] ?? 0), 'the core warms');
    assert.ok(cores.every((core) => core <= setCoreC + 1), `the core stops at its set point ${setCoreC} (${Math.max(...cores)})`);
    const last = cook.at(-1);
    assert.ok(Math.abs(Number(last?.['cabinet_temp']) - Number(last?.['set_temp'])) <= 5, `cabinet ${String(last?.['cabinet_temp'])} for ${String(last?.['set_temp'])}`);
  }
  const finished = all.filter((cook) => cook.length >= 5).map((cook) => Number(cook.at(-1)?.['core_temp']) / 10 - Number(cook[0]?.['set_core_temp']) / 10);
  assert.ok(finished.some((gapC) => Math.abs(gapC) <= 3), 'some cooks end with the core at its set point');
});

test('humidity follows the mode: 100% steaming, dry in convection, in between for combi', () => {
  const beats = [1, 2, 3, 4].flatMap((seed) => cooks(runOven(seed, 60, 2000)).flatMap((cook) => cook.slice(3)));
  const humidityIn = (mode: number) => beats.filter((beat) => beat['program_mode'] === mode).map((beat) => Number(beat['humidity']));
  const steam = humidityIn(MODE.steam);
  const convection = humidityIn(MODE.convection);
  const combi = humidityIn(MODE.combi);
  assert.ok(steam.length > 0 && convection.length > 0 && combi.length > 0, 'every mode ran');
  assert.ok(steam.every((h) => h >= 95), `steam ${Math.min(...steam)}`);
  assert.ok(convection.every((h) => h <= 20), `convection ${Math.max(...convection)}`);
  assert.ok(combi.every((h) => h >= 35 && h <= 85), `combi ${Math.min(...combi)}..${Math.max(...combi)}`);
});

test('the door opens to load before a cook and to unload after it; energy never decreases and grows while running', () => {
  const beats = runOven(2, 10, 2000);
  let loadings = 0;
  for (let i = 1; i < beats.length; i++) {
    const before = beats[i - 1];
    const after = beats[i];
    assert.ok(Number(after?.['energy']) >= Number(before?.['energy']), 'energy never decreases');
    if (before?.['door_open'] === true && after?.['door_open'] === false && Number(after['remaining_time']) > 0 && COOKING_MODES.includes(after['program_mode'])) loadings++;
  }
  assert.ok(loadings >= 2, `${loadings} loads`);
  assert.ok(Number(beats.at(-1)?.['energy']) > Number(beats[0]?.['energy']));
});

test('the same seed gives the same heartbeats', () => {
  assert.deepEqual(runOven(7, 60, 200), runOven(7, 60, 200));
  assert.notDeepEqual(runOven(7, 60, 200), runOven(8, 60, 200));
});
