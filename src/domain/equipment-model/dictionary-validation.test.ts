import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { isOpenTpsError } from '../../errors.js';
import { EquipmentModelSchema, type EquipmentModel } from './data-dictionary.js';
import { parseEquipmentModel, validateEquipmentModel, type DictionaryProblem } from './dictionary-validation.js';

const valid: EquipmentModel = {
  modelId: 'F1A0',
  name: 'Example fryer',
  maker: 'Example',
  kind: 'fryer',
  fields: [
    { key: 'oil_temp', label: 'Oil temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, offset: 0, precision: 1, min: 0, max: 250, haccp: true },
    { key: 'mode', label: 'Program mode', class: 'setting', type: 'enum', enumLabels: { '0': 'off', '1': 'cooking' } },
    { key: 'alarms', label: 'Alarms', class: 'telemetry', type: 'bitmask', bitLabels: { '0': 'over temperature', '31': 'probe fault' } },
    { key: 'lifted', label: 'Basket lifted', class: 'telemetry', type: 'boolean' },
    { key: 'serial_no', label: 'Serial number', class: 'nameplate', type: 'string', unit: null },
    { key: 'emac', label: 'Ethernet counters', class: 'telemetry', type: 'json', unit: '1', itemLabels: ['interrupts', 'frames sent'] },
    { key: 'Oil_Temp', label: 'Keys are case-sensitive', class: 'event', type: 'number' },
  ],
};

/** The model with fields[index] replaced by the valid field merged with `change`. */
function withField(index: number, change: Record<string, unknown>): Record<string, unknown> {
  return { ...valid, fields: valid.fields.map((field, i) => (i === index ? { ...field, ...change } : field)) };
}

function paths(problems: DictionaryProblem[]): string[] {
  return problems.map((problem) => problem.path);
}

test('a valid model with every type of field has no problems and passes the schema too', () => {
  assert.deepEqual(validateEquipmentModel(valid), []);
  assert.ok(Value.Check(EquipmentModelSchema, valid));
  assert.equal(parseEquipmentModel(valid), valid);
});

test('an unknown class is reported at its field path with the accepted classes', () => {
  const problems = validateEquipmentModel(withField(3, { class: 'alarm' }));
  assert.deepEqual(paths(problems), ['fields[3].class']);
  assert.match(problems[0]?.problem ?? '', /unknown class "alarm"; expected one of nameplate, telemetry, setting, event/);
});

test('an unknown type is reported at its field path', () => {
  const problems = validateEquipmentModel(withField(3, { type: 'float' }));
  assert.deepEqual(paths(problems), ['fields[3].type']);
  assert.match(problems[0]?.problem ?? '', /unknown type "float"/);
});

test('a unit that is not in the UCUM table is reported, including a wrong case and a display symbol', () => {
  for (const unit of ['degC', '°C', 'cel', 'MV', 42]) {
    const problems = validateEquipmentModel(withField(0, { unit }));
    assert.deepEqual(paths(problems), ['fields[0].unit'], String(unit));
    assert.match(problems[0]?.problem ?? '', /is not an accepted UCUM code/);
  }
});

test('a unit on an enum, bitmask, boolean or string field is reported', () => {
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { unit: 'Cel' }))), ['fields[1].unit']);
  assert.deepEqual(paths(validateEquipmentModel(withField(3, { unit: 's' }))), ['fields[3].unit']);
});

test('an enum without labels, with empty labels or with an empty label is reported', () => {
  const missing = validateEquipmentModel(withField(1, { enumLabels: undefined }));
  assert.deepEqual(paths(missing), ['fields[1].enumLabels']);
  assert.match(missing[0]?.problem ?? '', /an enum needs labels/);
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { enumLabels: {} }))), ['fields[1].enumLabels']);
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { enumLabels: { '0': '' } }))), ['fields[1].enumLabels["0"]']);
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { enumLabels: { '': 'blank' } }))), ['fields[1].enumLabels[""]']);
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { enumLabels: ['off', 'on'] }))), ['fields[1].enumLabels']);
});

test('a bitmask without bit labels, or with a bit index outside 0-31, is reported', () => {
  const missing = validateEquipmentModel(withField(2, { bitLabels: undefined }));
  assert.deepEqual(paths(missing), ['fields[2].bitLabels']);
  assert.match(missing[0]?.problem ?? '', /a bitmask needs bit labels/);
  for (const index of ['32', '-1', '01', 'a', '1.5']) {
    const problems = validateEquipmentModel(withField(2, { bitLabels: { [index]: 'x' } }));
    assert.deepEqual(paths(problems), [`fields[2].bitLabels[${JSON.stringify(index)}]`], index);
  }
});

test('labels on a field of another type are reported, as decoding would ignore them', () => {
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { enumLabels: { '0': 'x' } }))), ['fields[0].enumLabels']);
  assert.deepEqual(paths(validateEquipmentModel(withField(1, { bitLabels: { '0': 'x' } }))), ['fields[1].bitLabels']);
});

test('item labels on a field that is not json, or that are not non-empty texts, are reported', () => {
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { itemLabels: ['a'] }))), ['fields[0].itemLabels']);
  assert.deepEqual(paths(validateEquipmentModel(withField(5, { itemLabels: 'a,b' }))), ['fields[5].itemLabels']);
  assert.deepEqual(paths(validateEquipmentModel(withField(5, { itemLabels: ['a', '', 3] }))), ['fields[5].itemLabels[1]', 'fields[5].itemLabels[2]']);
  assert.deepEqual(paths(validateEquipmentModel(withField(5, { itemLabels: Array.from({ length: 65 }, () => 'x') }))), ['fields[5].itemLabels']);
});

test('min above max is reported; min equal to max is allowed', () => {
  const problems = validateEquipmentModel(withField(0, { min: 300, max: 250 }));
  assert.deepEqual(problems, [{ path: 'fields[0].min', problem: 'min 300 is above max 250' }]);
  assert.deepEqual(validateEquipmentModel(withField(0, { min: 250, max: 250 })), []);
});

test('scale, offset, precision, min and max that are not usable numbers are reported', () => {
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { scale: 0 }))), ['fields[0].scale']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { scale: '0.1' }))), ['fields[0].scale']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { offset: Number.NaN }))), ['fields[0].offset']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { precision: 1.5 }))), ['fields[0].precision']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { precision: 10 }))), ['fields[0].precision']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { precision: -1 }))), ['fields[0].precision']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { max: Number.POSITIVE_INFINITY }))), ['fields[0].max']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { min: '0' }))), ['fields[0].min']);
});

test('number-only members on a field of another type are reported', () => {
  const problems = validateEquipmentModel(withField(3, { scale: 2, precision: 1, min: 0 }));
  assert.deepEqual(paths(problems), ['fields[3].scale', 'fields[3].precision', 'fields[3].min']);
});

test('a duplicate key is reported at the second use, naming the first; keys differing in case are distinct', () => {
  const model = { ...valid, fields: [...valid.fields, { key: 'mode', label: 'Again', class: 'setting', type: 'string' }] };
  assert.deepEqual(validateEquipmentModel(model), [{ path: 'fields[7].key', problem: 'duplicate key "mode", already used by fields[1]' }]);
});

test('keys that break the vendor rule (letters, digits and underscore only) are reported', () => {
  for (const key of ['set-temp', 'set temp', 'temp.c', 'température', '', 'a'.repeat(65), 7]) {
    const problems = validateEquipmentModel(withField(0, { key }));
    assert.deepEqual(paths(problems), ['fields[0].key'], String(key));
    assert.match(problems[0]?.problem ?? '', /letters, digits or underscores/);
  }
  assert.deepEqual(validateEquipmentModel(withField(0, { key: '_hbt_5v' })), []);
});

test('a model id that is not 4 hex digits is reported', () => {
  for (const modelId of ['363', '03633', 'z363', '', 363, null]) {
    const problems = validateEquipmentModel({ ...valid, modelId });
    assert.deepEqual(paths(problems), ['modelId'], String(modelId));
    assert.match(problems[0]?.problem ?? '', /4 hex digits/);
  }
});

test('missing or empty name, maker and kind are reported', () => {
  const { name: _name, ...withoutName } = valid;
  assert.deepEqual(paths(validateEquipmentModel(withoutName)), ['name']);
  assert.deepEqual(paths(validateEquipmentModel({ ...valid, maker: '' })), ['maker']);
  assert.deepEqual(paths(validateEquipmentModel({ ...valid, kind: 3 })), ['kind']);
});

test('unknown members of a model or a field are reported instead of being silently dropped', () => {
  assert.deepEqual(paths(validateEquipmentModel({ ...valid, colour: 'red' })), ['colour']);
  assert.deepEqual(paths(validateEquipmentModel(withField(0, { scaling: 2 }))), ['fields[0].scaling']);
});

test('a non-object model, a fields member that is not an array and a field that is not an object are reported', () => {
  for (const input of [null, [], 'model', 3]) assert.deepEqual(paths(validateEquipmentModel(input)), [''], JSON.stringify(input));
  assert.deepEqual(paths(validateEquipmentModel({ ...valid, fields: {} })), ['fields']);
  assert.deepEqual(paths(validateEquipmentModel({ ...valid, fields: [null, 'x'] })), ['fields[0]', 'fields[1]']);
});

test('every problem of a model is reported at once, not only the first', () => {
  const problems = validateEquipmentModel({
    ...valid,
    modelId: 'xyz',
    fields: [{ key: 'a-b', label: 'x', class: 'alarm', type: 'enum', unit: 'degC', min: 5, max: 1 }],
  });
  assert.deepEqual(paths(problems), ['modelId', 'fields[0].key', 'fields[0].class', 'fields[0].unit', 'fields[0].min', 'fields[0].min', 'fields[0].max', 'fields[0].enumLabels']);
});

test('parsing a bad model throws ERR_MODEL_INVALID naming every problem, with the list in details', () => {
  assert.throws(
    () => parseEquipmentModel(withField(1, { enumLabels: undefined, unit: 'bogus' })),
    (error: unknown) => {
      assert.ok(isOpenTpsError(error, 'ERR_MODEL_INVALID'));
      assert.equal(error.status, 400);
      assert.match(error.message, /fields\[1\]\.unit: "bogus" is not an accepted UCUM code/);
      assert.match(error.message, /fields\[1\]\.enumLabels: an enum needs labels/);
      assert.deepEqual(paths((error.details?.problems ?? []) as DictionaryProblem[]), ['fields[1].unit', 'fields[1].enumLabels']);
      return true;
    },
  );
});
