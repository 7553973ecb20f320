import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from './builtin-models.js';
import type { EquipmentModel } from './data-dictionary.js';
import { decodeField, isFieldMismatch } from './field-decoding.js';
import { createMismatchCounter } from './mismatch-counter.js';

const models = new Map<string, EquipmentModel>([['e0f1', EXAMPLE_FRYER_MODEL], ['e0c1', EXAMPLE_COMBI_OVEN_MODEL]]);

test('values that do not fit are counted per model and field, with the last one; fitting and unknown fields are not', () => {
  const seen: string[] = [];
  const counter = createMismatchCounter({ modelsById: () => models, onMismatch: (modelId) => seen.push(modelId) });
  counter.add('e0f1', 'e0f1000000000001', 1000, { oil_temp: 1770, program_mode: 99, unknown_field: 'x' });
  counter.add('e0f1', 'e0f1000000000002', 2000, { oil_temp: 'hot', program_mode: 'ready' });
  counter.add('e0c1', 'e0c1000000000001', 3000, { core_temp: 700, door_open: 'yes' });
  counter.add('ffff', 'ffff000000000001', 4000, { anything: 'x' });
  counter.add(null, 'oke', 5000, { oil_temp: 'x' });
  counter.add('e0f1', 'e0f1000000000003', 6000, null);
  assert.deepEqual(counter.countsOf('e0f1'), [
    { modelId: 'e0f1', key: 'oil_temp', count: 1, lastRaw: 'hot', lastOriginId: 'e0f1000000000002', lastAtMs: 2000 },
    { modelId: 'e0f1', key: 'program_mode', count: 2, lastRaw: 'ready', lastOriginId: 'e0f1000000000002', lastAtMs: 2000 },
  ]);
  assert.deepEqual(counter.counts().map((row) => `${row.modelId}.${row.key}=${row.count}`), ['e0c1.door_open=1', 'e0f1.oil_temp=1', 'e0f1.program_mode=2']);
  assert.deepEqual(seen, ['e0f1', 'e0f1', 'e0f1', 'e0c1']);
  assert.deepEqual(counter.countsOf('ffff'), []);
});

test('the quick check agrees with decoding on every field of the examples, for fitting and unfitting values', () => {
  const samples: unknown[] = [0, 1, 3, 99, -1, 1.5, 2 ** 32, 'ready', '3', '', true, false, null, [1, 2], [], ['x'], { a: 1 }];
  for (const field of [...EXAMPLE_FRYER_MODEL.fields, ...EXAMPLE_COMBI_OVEN_MODEL.fields]) {
    for (const raw of samples) assert.equal(isFieldMismatch(field, raw), decodeField(field, raw).isMismatch, `${field.key} ${JSON.stringify(raw)}`);
  }
});
