// Pure parts of the console's issue 15 pages, run in Node: the hash routes of the new pages go there and back,
// and a model file imported into the dictionary editor keeps every member the editor can hold.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_MODELS } from '../src/domain/equipment-model/builtin-models.js';
import { parseRoute, routeHash, type Route } from '../web/src/routes.js';
import { parseModelText, toEditableModel } from '../web/src/models/model-file.js';

test('the equipment, model and site routes survive a round trip through the URL hash', () => {
  const routes: Route[] = [
    { name: 'equipment' },
    { name: 'equipment-item', equipmentId: 'e0f1000000000001' },
    { name: 'models' },
    { name: 'model', modelId: 'e0f1' },
    { name: 'model', modelId: null },
    { name: 'sites' },
  ];
  for (const route of routes) assert.deepEqual(parseRoute(routeHash(route)), route);
  assert.equal(routeHash({ name: 'model', modelId: null }), '#/models/new');
});

test('a built-in model imported from its JSON keeps every member, field by field', () => {
  for (const model of BUILTIN_MODELS) {
    const editable = toEditableModel(parseModelText(JSON.stringify(model), `${model.modelId}.json`));
    assert.equal(editable.modelId, model.modelId);
    assert.equal(editable.name, model.name);
    assert.equal(editable.fields?.length, model.fields.length);
    model.fields.forEach((field, index) => {
      const kept = Object.fromEntries(Object.entries(editable.fields?.[index] ?? {}).filter(([, value]) => value !== undefined && value !== false));
      const original = Object.fromEntries(Object.entries(field).filter(([, value]) => value !== false));
      assert.deepEqual(kept, original, `${model.modelId} ${field.key}`);
    });
  }
});

test('an imported object with members of the wrong type leaves those inputs empty for the editor to ask for', () => {
  const editable = toEditableModel({ modelId: 7, name: 'Odd', fields: [{ key: 'a', class: 'gadget', type: 'number', scale: '10', enumLabels: { '1': 2 } }, 'not a field'] });
  assert.equal(editable.modelId, undefined);
  assert.equal(editable.name, 'Odd');
  assert.equal(editable.fields?.length, 1);
  const [field] = editable.fields ?? [];
  assert.equal(field?.class, undefined);
  assert.equal(field?.scale, undefined);
  assert.deepEqual(field?.enumLabels, { '1': '2' });
});

test('a model file that is not a JSON object is refused naming the file', () => {
  assert.throws(() => parseModelText('{"modelId": ', 'broken.json'), /broken\.json is not JSON/);
  assert.throws(() => parseModelText('[1, 2]', 'list.json'), /list\.json holds JSON but not an object/);
});
