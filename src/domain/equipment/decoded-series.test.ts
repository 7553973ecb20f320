import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_FRYER_MODEL } from '../equipment-model/builtin-models.js';
import type { DictionaryField } from '../equipment-model/data-dictionary.js';
import { decodeStats, seriesMeaningOf } from './decoded-series.js';

const oil = EXAMPLE_FRYER_MODEL.fields.find((field) => field.key === 'oil_temp') as DictionaryField;

test('a number field gives the chart its label and unit; other fields none', () => {
  assert.deepEqual(seriesMeaningOf(oil), { label: 'Oil temperature', unit: 'Cel', unitSymbol: '°C', isHaccp: true, min: -20, max: 260 });
  assert.equal(seriesMeaningOf(EXAMPLE_FRYER_MODEL.fields.find((field) => field.key === 'program_mode')), null);
  assert.equal(seriesMeaningOf(undefined), null);
});

test('bucket statistics decode linearly; a negative scale swaps min and max; an empty bucket stays empty', () => {
  assert.deepEqual(decodeStats(oil, { min: 1700, max: 1790, avg: 1755.55 }), { min: 170, max: 179, avg: 175.56 });
  const inverted: DictionaryField = { key: 'x', label: 'X', class: 'telemetry', type: 'number', scale: -2, offset: 10 };
  assert.deepEqual(decodeStats(inverted, { min: 1, max: 3, avg: 2 }), { min: 4, max: 8, avg: 6 });
  assert.equal(decodeStats(oil, { min: null, max: null, avg: null }), null);
});
