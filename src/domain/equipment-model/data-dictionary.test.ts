import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { EquipmentModelSchema, DictionaryFieldSchema, FIELD_CLASSES, FIELD_TYPES, type EquipmentModel } from './data-dictionary.js';

const fryer: EquipmentModel = {
  modelId: 'f1a0',
  name: 'Example fryer',
  maker: 'Example',
  kind: 'fryer',
  fields: [
    { key: 'oil_temp', label: 'Oil temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, offset: 0, precision: 1, min: 0, max: 250, haccp: true },
    { key: 'mode', label: 'Program mode', class: 'setting', type: 'enum', enumLabels: { '0': 'off', '1': 'cooking' } },
  ],
};

test('a model with every kind of field passes the schema', () => {
  assert.ok(Value.Check(EquipmentModelSchema, fryer), JSON.stringify([...Value.Errors(EquipmentModelSchema, fryer)]));
});

test('a field needs only key, label, class and type', () => {
  assert.ok(Value.Check(DictionaryFieldSchema, { key: 'door', label: 'Door', class: 'telemetry', type: 'boolean' }));
});

test('the schema refuses an unknown class, an unknown type, a bad key, a bad model id and an unknown member', () => {
  const field = fryer.fields[0];
  const bad: unknown[] = [
    { ...fryer, fields: [{ ...field, class: 'alarm' }] },
    { ...fryer, fields: [{ ...field, type: 'float' }] },
    { ...fryer, fields: [{ ...field, key: 'oil-temp' }] },
    { ...fryer, fields: [{ ...field, key: '' }] },
    { ...fryer, modelId: '363' },
    { ...fryer, modelId: 'z363' },
    { ...fryer, colour: 'red' },
    { ...fryer, fields: [{ ...field, scaling: 2 }] },
    { ...fryer, fields: [{ ...field, precision: 1.5 }] },
    { ...fryer, fields: [{ ...field, type: 'bitmask', bitLabels: { '32': 'x' } }] },
    { ...fryer, name: '' },
  ];
  for (const model of bad) assert.equal(Value.Check(EquipmentModelSchema, model), false, JSON.stringify(model));
});

test('the class and type lists of the schema are the exported constants', () => {
  assert.deepEqual(FIELD_CLASSES, ['nameplate', 'telemetry', 'setting', 'event']);
  assert.deepEqual(FIELD_TYPES, ['number', 'enum', 'bitmask', 'boolean', 'string', 'json']);
  const schemaClasses = DictionaryFieldSchema.properties.class.anyOf.map((literal) => literal.const);
  const schemaTypes = DictionaryFieldSchema.properties.type.anyOf.map((literal) => literal.const);
  assert.deepEqual(schemaClasses, [...FIELD_CLASSES]);
  assert.deepEqual(schemaTypes, [...FIELD_TYPES]);
});

test('the schema serialises to a JSON Schema document with an id', () => {
  const published = JSON.parse(JSON.stringify(EquipmentModelSchema)) as { $id: string; type: string; required: string[] };
  assert.equal(published.$id, 'https://opentps.dev/schemas/equipment-model.json');
  assert.equal(published.type, 'object');
  assert.deepEqual(published.required, ['modelId', 'name', 'maker', 'kind', 'fields']);
});
