// The published JSON Schema of an equipment model file is generated from the TypeBox definition; this fails
// when the committed file was not regenerated after a change (`opentps model schema > docs/schemas/...`).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatEquipmentModelJsonSchema } from '../src/domain/equipment-model/model-json-schema.js';
import { createDeviceAppHarness } from './device-app-harness.js';
import { runCliCaptured } from './support/cli-run.js';

const SCHEMA_FILE = new URL('../docs/schemas/equipment-model.schema.json', import.meta.url);

test('docs/schemas/equipment-model.schema.json is what EquipmentModelSchema generates', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), formatEquipmentModelJsonSchema(), 'regenerate it: opentps model schema > docs/schemas/equipment-model.schema.json');
});

test('opentps model schema prints the committed schema file', async () => {
  const run = await runCliCaptured(['model', 'schema']);
  assert.equal(run.code, 0, run.err.join('\n'));
  assert.equal(`${run.out.join('\n')}\n`, readFileSync(SCHEMA_FILE, 'utf8'));
});

test('the schema names every member of a model and of a field, and admits no others', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
    additionalProperties: boolean;
    properties: Record<string, unknown> & { fields: { items: { additionalProperties: boolean; properties: Record<string, unknown> } } };
  };
  assert.deepEqual(Object.keys(schema.properties), ['modelId', 'name', 'maker', 'kind', 'fields']);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.properties.fields.items.properties), ['key', 'label', 'class', 'type', 'unit', 'scale', 'offset', 'precision', 'min', 'max', 'enumLabels', 'bitLabels', 'itemLabels', 'haccp']);
  assert.equal(schema.properties.fields.items.additionalProperties, false);
});

test('GET /api/v1/schemas/equipment-model.json serves the committed schema file', async () => {
  const h = await createDeviceAppHarness();
  try {
    await h.services.auth.addOperator('admin', 'correct horse battery staple');
    const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: 'correct horse battery staple' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const response = await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/schemas/equipment-model.json', headers: { cookie } });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/schema\+json/);
    assert.deepEqual(response.json(), JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  } finally {
    await h.close();
  }
});
