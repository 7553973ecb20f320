import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CWM_HEARTBEAT_MODEL, EXAMPLE_FRYER_MODEL } from '../equipment-model/builtin-models.js';
import { decodeLatestValues, keyValuesOf } from './decoded-values.js';
import { modelIdOfOrigin } from './equipment-model-of.js';
import { CWM_MODEL_ID } from './equipment-query.js';

const LATEST = { oil_temp: 1770, set_temp: 1770, program_mode: 3, basket_lifted: 0, serial_no: 'F-1', zz_extra: 'x', aa_extra: 5 };

test('latest values come decoded with the raw value beside, in dictionary order, then unknown fields raw by key', () => {
  const values = decodeLatestValues(EXAMPLE_FRYER_MODEL, LATEST);
  assert.deepEqual(values.map((v) => v.key), ['serial_no', 'program_mode', 'set_temp', 'oil_temp', 'basket_lifted', 'aa_extra', 'zz_extra']);
  const oil = values.find((v) => v.key === 'oil_temp');
  assert.equal(oil?.raw, 1770);
  assert.equal(oil?.value, 177);
  assert.equal(oil?.display, '177.0 °C');
  assert.equal(oil?.unitSymbol, '°C');
  assert.equal(oil?.isHaccp, true);
  assert.equal(values.find((v) => v.key === 'program_mode')?.display, 'ready');
  const unknown = values.find((v) => v.key === 'aa_extra');
  assert.deepEqual([unknown?.label, unknown?.value, unknown?.display, unknown?.isMismatch], [null, 5, '5', false]);
});

test('a value that does not fit is kept raw and marked; one out of the field\'s range is marked, not changed', () => {
  const values = decodeLatestValues(EXAMPLE_FRYER_MODEL, { program_mode: 99, oil_temp: 'hot', set_temp: 9999 });
  const mode = values.find((v) => v.key === 'program_mode');
  assert.deepEqual([mode?.value, mode?.display, mode?.isMismatch], [99, '99', true]);
  assert.equal(values.find((v) => v.key === 'oil_temp')?.isMismatch, true);
  const set = values.find((v) => v.key === 'set_temp');
  assert.deepEqual([set?.value, set?.isOutOfRange, set?.isMismatch], [999.9, true, false]);
});

test('without a model every value is shown raw, none dropped', () => {
  const values = decodeLatestValues(null, LATEST);
  assert.equal(values.length, Object.keys(LATEST).length);
  assert.ok(values.every((v) => v.label === null && v.value === v.raw));
});

test('a row\'s key values put HACCP first, then telemetry; nameplate and settings are left out', () => {
  assert.deepEqual(keyValuesOf(EXAMPLE_FRYER_MODEL, LATEST, 3).map((v) => v.key), ['oil_temp', 'program_mode', 'basket_lifted']);
  assert.deepEqual(keyValuesOf(null, LATEST, 2).map((v) => v.key), ['aa_extra', 'basket_lifted']);
});

test('the CWM itself is read with the CWM heartbeat model; an OKE by its id; other ids by none', () => {
  assert.equal(CWM_HEARTBEAT_MODEL.modelId, CWM_MODEL_ID);
  assert.equal(modelIdOfOrigin('0002010203040506', '0002010203040506'), CWM_MODEL_ID);
  assert.equal(modelIdOfOrigin('E0F1AABBCCDDEEFF', '0002010203040506'), 'e0f1');
  assert.equal(modelIdOfOrigin('oke-7', '0002010203040506'), null);
});
