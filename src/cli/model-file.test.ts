import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { OpenTpsError } from '../errors.js';
import { formatModelFile, readModelFile, resolveModelFileFormat } from './model-file.js';

function errorOf(run: () => unknown): OpenTpsError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof OpenTpsError, String(error));
    return error;
  }
  assert.fail('no error');
}

test('the format comes from --format, else from the extension in any case, else the fallback', () => {
  assert.equal(resolveModelFileFormat(undefined, 'models.JSON'), 'json');
  assert.equal(resolveModelFileFormat(undefined, 'fryer.csv'), 'csv');
  assert.equal(resolveModelFileFormat('csv', 'fryer.txt'), 'csv');
  assert.equal(resolveModelFileFormat(undefined, undefined, 'json'), 'json');
  assert.equal(errorOf(() => resolveModelFileFormat(undefined, 'fryer.txt')).code, 'ERR_CLI_USAGE');
  assert.equal(errorOf(() => resolveModelFileFormat('xml', 'fryer.json')).code, 'ERR_CLI_USAGE');
});

test('a JSON file holds one model or an array of models, and may start with a BOM and use CRLF', () => {
  assert.deepEqual(readModelFile(JSON.stringify(EXAMPLE_FRYER_MODEL), 'json', 'f.json'), [EXAMPLE_FRYER_MODEL]);
  const array = `\uFEFF${JSON.stringify([EXAMPLE_FRYER_MODEL, EXAMPLE_COMBI_OVEN_MODEL], null, 2).replaceAll('\n', '\r\n')}`;
  assert.deepEqual(readModelFile(array, 'json', 'm.json'), [EXAMPLE_FRYER_MODEL, EXAMPLE_COMBI_OVEN_MODEL]);
});

test('a JSON array with a bad second model is refused as a whole, naming the model and the path', () => {
  const bad = { ...EXAMPLE_COMBI_OVEN_MODEL, fields: [{ key: 't', label: 'T', class: 'telemetry', type: 'number', unit: 'degC' }] };
  const error = errorOf(() => readModelFile(JSON.stringify([EXAMPLE_FRYER_MODEL, bad]), 'json', 'm.json'));
  assert.equal(error.code, 'ERR_MODEL_INVALID');
  const lines = error.message.split('\n');
  assert.match(lines[0] ?? '', /m\.json: nothing imported$/);
  assert.match(lines[1] ?? '', /^model 2 \("e0c1"\), fields\[0\]\.unit: "degC" is not an accepted UCUM code/);
});

test('the same model id twice in one file, an empty array, duplicate members and broken JSON are refused', () => {
  const twice = errorOf(() => readModelFile(JSON.stringify([EXAMPLE_FRYER_MODEL, { ...EXAMPLE_FRYER_MODEL, modelId: 'E0F1' }]), 'json', 'm.json'));
  assert.equal(twice.code, 'ERR_MODEL_INVALID');
  assert.match(twice.message, /model 2 \("E0F1"\), modelId: model id e0f1 is also model 1's/);
  assert.equal(errorOf(() => readModelFile('[]', 'json', 'm.json')).code, 'ERR_MODEL_INVALID');
  const duplicate = JSON.stringify(EXAMPLE_FRYER_MODEL).replace('"name":', '"name":"x","name":');
  assert.equal(errorOf(() => readModelFile(duplicate, 'json', 'm.json')).code, 'ERR_JSON_DUPLICATE_KEY');
  assert.equal(errorOf(() => readModelFile('{"modelId":', 'json', 'm.json')).code, 'ERR_MODEL_INVALID');
});

test('a CSV that fails names the file, then one line per problem with its row and column', () => {
  const csv = formatModelFile([EXAMPLE_FRYER_MODEL], 'csv', true).replace(',Cel,', ',degC,');
  const error = errorOf(() => readModelFile(csv, 'csv', 'fryer.csv'));
  assert.equal(error.code, 'ERR_MODEL_INVALID');
  const lines = error.message.split('\n');
  assert.match(lines[0] ?? '', /fryer\.csv: nothing imported$/);
  assert.match(lines[1] ?? '', /^row \d+, column unit: "degC" is not an accepted UCUM code/);
});

test('export writes one model as an object, several as an array, and CSV only for one model', () => {
  assert.deepEqual(JSON.parse(formatModelFile([EXAMPLE_FRYER_MODEL], 'json', true)), EXAMPLE_FRYER_MODEL);
  assert.deepEqual(JSON.parse(formatModelFile([EXAMPLE_FRYER_MODEL], 'json', false)), [EXAMPLE_FRYER_MODEL]);
  assert.deepEqual(readModelFile(formatModelFile([EXAMPLE_FRYER_MODEL], 'csv', true), 'csv', 'f.csv'), [EXAMPLE_FRYER_MODEL]);
  assert.equal(errorOf(() => formatModelFile([EXAMPLE_FRYER_MODEL, EXAMPLE_COMBI_OVEN_MODEL], 'csv', false)).code, 'ERR_CLI_USAGE');
});
