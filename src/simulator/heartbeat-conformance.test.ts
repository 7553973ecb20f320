import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { findHeartbeatViolations } from './heartbeat-conformance.js';

const GOOD = {
  serial_no: 'ABC', vat_volume: 15, program_mode: 3, set_temp: 1770, oil_temp: 1765, set_time: 180, remaining_time: 0,
  basket_lifted: true, alarms: 0, cook_cycles: 12,
};

test('a heartbeat with exactly the dictionary fields, whole scaled values within min and max, has no violation', () => {
  assert.deepEqual(findHeartbeatViolations(EXAMPLE_FRYER_MODEL, GOOD), []);
});

test('an unknown or missing key, a fraction where the field is scaled, a value out of range or of the wrong type is each named', () => {
  const { cook_cycles: _dropped, ...withoutCycles } = GOOD;
  const bad = { ...withoutCycles, temp: 177, oil_temp: 1765.5, set_temp: 2100, program_mode: 9, basket_lifted: 1 };
  assert.deepEqual(findHeartbeatViolations(EXAMPLE_FRYER_MODEL, bad).sort(), [
    'basket_lifted: 1 is not true or false',
    'cook_cycles: missing',
    'oil_temp: 1765.5 is scaled by 0.1 but not a whole number',
    'program_mode: 9 does not decode as its type (enum)',
    'set_temp: 210 above its max 205',
    'temp: not a field of e0f1',
  ]);
});
