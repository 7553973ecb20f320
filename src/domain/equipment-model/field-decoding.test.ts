import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DictionaryField } from './data-dictionary.js';
import { decodeField } from './field-decoding.js';

const oilTemp: DictionaryField = { key: 'oil_temp', label: 'Oil temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, offset: 0, precision: 1 };
const mode: DictionaryField = { key: 'mode', label: 'Program mode', class: 'setting', type: 'enum', enumLabels: { '0': 'off', '1': 'preheat', '2': 'cooking' } };
const port: DictionaryField = { key: 'port', label: 'OKE port', class: 'setting', type: 'enum', enumLabels: { non: 'none', '232': 'RS-232' } };
const alarms: DictionaryField = { key: 'alarms', label: 'Alarms', class: 'telemetry', type: 'bitmask', bitLabels: { '0': 'over temperature', '2': 'low oil', '31': 'probe fault' } };
const lifted: DictionaryField = { key: 'lifted', label: 'Basket lifted', class: 'telemetry', type: 'boolean' };
const recipe: DictionaryField = { key: 'recipe', label: 'Recipe', class: 'setting', type: 'string' };
const emac: DictionaryField = { key: 'emac', label: 'Ethernet counters', class: 'telemetry', type: 'json' };

test('a number is raw * scale + offset rounded to the precision, shown with the unit symbol', () => {
  assert.deepEqual(decodeField(oilTemp, 1825), { raw: 1825, value: 182.5, display: '182.5 °C', unit: 'Cel', isMismatch: false });
  assert.deepEqual(decodeField(oilTemp, 1800), { raw: 1800, value: 180, display: '180.0 °C', unit: 'Cel', isMismatch: false });
  assert.deepEqual(decodeField({ ...oilTemp, unit: '[degF]', scale: 1.8, offset: 32, precision: 0 }, 100), { raw: 100, value: 212, display: '212 °F', unit: '[degF]', isMismatch: false });
  assert.equal(decodeField({ ...oilTemp, precision: 2 }, 1234.5678).value, 123.46);
});

test('a number without precision keeps its digits but not binary noise, and defaults to scale 1 offset 0', () => {
  const plain: DictionaryField = { key: 'v', label: 'V', class: 'telemetry', type: 'number', unit: 'mV' };
  assert.deepEqual(decodeField(plain, 5012), { raw: 5012, value: 5012, display: '5012 mV', unit: 'mV', isMismatch: false });
  assert.equal(decodeField({ ...plain, scale: 0.1 }, 3).value, 0.3);
  assert.equal(decodeField({ ...plain, unit: '%' }, 42).display, '42%');
  assert.equal(decodeField({ ...plain, unit: '1' }, 7).display, '7');
  assert.equal(decodeField({ ...plain, unit: null }, 7).display, '7');
});

test('a small negative number rounded to zero is shown as 0, not -0', () => {
  const decoded = decodeField(oilTemp, -0.4);
  assert.equal(decoded.display, '0.0 °C');
  assert.ok(Object.is(decoded.value, 0));
});

test('a string, a boolean, null, NaN or an object for a number is returned raw as a mismatch', () => {
  for (const raw of ['1825', true, null, Number.NaN, { v: 1 }, [], undefined]) {
    const decoded = decodeField(oilTemp, raw);
    assert.equal(decoded.isMismatch, true, String(raw));
    assert.equal(decoded.raw, raw);
    assert.equal(decoded.value, raw);
    assert.equal(decoded.unit, null);
  }
  assert.equal(decodeField(oilTemp, '1825').display, '1825');
  assert.equal(decodeField(oilTemp, null).display, 'null');
});

test('an enum value becomes its label, from an integer or from the string sent', () => {
  assert.deepEqual(decodeField(mode, 2), { raw: 2, value: 'cooking', display: 'cooking', unit: null, isMismatch: false });
  assert.equal(decodeField(port, 'non').value, 'none');
  assert.equal(decodeField(port, '232').value, 'RS-232');
});

test('an unknown enum value, a fraction or a boolean for an enum is returned raw as a mismatch', () => {
  for (const raw of [7, 1.5, true, 'cooking', 'toString', null]) {
    const decoded = decodeField(mode, raw);
    assert.equal(decoded.isMismatch, true, String(raw));
    assert.equal(decoded.value, raw);
  }
});

test('a bitmask becomes the labels of its set bits, in bit order, including bit 31', () => {
  assert.deepEqual(decodeField(alarms, 0b101), { raw: 5, value: ['over temperature', 'low oil'], display: 'over temperature, low oil', unit: null, isMismatch: false });
  assert.deepEqual(decodeField(alarms, 2 ** 31).value, ['probe fault']);
  assert.deepEqual(decodeField(alarms, 0), { raw: 0, value: [], display: 'none', unit: null, isMismatch: false });
});

test('a set bit without a label is named by its index', () => {
  assert.deepEqual(decodeField(alarms, 0b11).value, ['over temperature', 'bit 1']);
});

test('a negative, fractional, too large or non-number bitmask is returned raw as a mismatch', () => {
  for (const raw of [-1, 1.5, 2 ** 32, '5', false]) assert.equal(decodeField(alarms, raw).isMismatch, true, String(raw));
});

test('a boolean accepts true/false and 0/1 and refuses anything else', () => {
  assert.deepEqual(decodeField(lifted, true), { raw: true, value: true, display: 'true', unit: null, isMismatch: false });
  assert.equal(decodeField(lifted, 0).value, false);
  assert.equal(decodeField(lifted, 1).value, true);
  for (const raw of [2, 'true', null]) assert.equal(decodeField(lifted, raw).isMismatch, true, String(raw));
});

test('a string field takes strings only', () => {
  assert.deepEqual(decodeField(recipe, 'fries'), { raw: 'fries', value: 'fries', display: 'fries', unit: null, isMismatch: false });
  assert.equal(decodeField(recipe, 12).isMismatch, true);
});

test('a json field takes any value and shows it as JSON', () => {
  assert.deepEqual(decodeField(emac, [12, 0, 3]), { raw: [12, 0, 3], value: [12, 0, 3], display: '[12,0,3]', unit: null, isMismatch: false });
  assert.equal(decodeField(emac, 'x').isMismatch, false);
});

test('a json array with item labels is shown position by position, its value staying the raw array', () => {
  const labelled: DictionaryField = { ...emac, itemLabels: ['interrupts', 'frames sent'] };
  assert.deepEqual(decodeField(labelled, [12, 0, 3]), { raw: [12, 0, 3], value: [12, 0, 3], display: 'interrupts: 12, frames sent: 0, [2]: 3', unit: null, isMismatch: false });
  assert.equal(decodeField(labelled, { n: 1 }).display, '{"n":1}');
});

test('a multi-cavity array is decoded element by element; one bad element makes the whole value a mismatch', () => {
  assert.deepEqual(decodeField(oilTemp, [1800, 1755]), { raw: [1800, 1755], value: [180, 175.5], display: '180.0 | 175.5 °C', unit: 'Cel', isMismatch: false });
  assert.deepEqual(decodeField(mode, [0, 2]).value, ['off', 'cooking']);
  assert.equal(decodeField(oilTemp, [1800, 'hot']).isMismatch, true);
  assert.equal(decodeField(oilTemp, []).isMismatch, true);
});

test('a field absent from the dictionary is returned raw, without a unit and without a mismatch', () => {
  assert.deepEqual(decodeField(undefined, 56), { raw: 56, value: 56, display: '56', unit: null, isMismatch: false });
  assert.deepEqual(decodeField(undefined, 'open'), { raw: 'open', value: 'open', display: 'open', unit: null, isMismatch: false });
  assert.equal(decodeField(undefined, { a: [1] }).display, '{"a":[1]}');
});

test('a value that cannot be written as JSON is shown without throwing', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(decodeField(undefined, cyclic).display, '[object Object]');
  assert.equal(decodeField(oilTemp, 10n).isMismatch, true);
});
