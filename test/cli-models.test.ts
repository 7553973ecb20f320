// `opentps model ...` as an operator runs it, in-process on a fresh SQLite data directory: built-ins listed on
// a store no server started, files imported all or none (nothing saved, versions unchanged, when any model or
// cell is wrong, each problem named by its row and column), round trips, version conflicts and exit codes.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BUILTIN_MODELS, EXAMPLE_FRYER_MODEL } from '../src/domain/equipment-model/builtin-models.js';
import type { EquipmentModel } from '../src/domain/equipment-model/data-dictionary.js';
import { runCliCaptured, type CliRun } from './support/cli-run.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const NEW_MODEL: EquipmentModel = {
  modelId: 'ab01',
  name: 'Hot-holding cabinet',
  maker: 'Example',
  kind: 'holding cabinet',
  fields: [
    { key: 'cab_t', label: 'Cabinet temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: 0, max: 120, haccp: true },
    { key: 'mode', label: 'Mode', class: 'setting', type: 'enum', enumLabels: { '0': 'off', '1': 'hold', '2': 'eco' } },
  ],
};

const FIELD_HEADER = 'key,label,class,type,unit,scale,offset,precision,min,max,haccp,enum_labels,bit_labels,item_labels';

let dir: TempDataDir;
let data: string;

beforeEach(() => {
  dir = createTempDataDir('opentps-cli-models-');
  data = join(dir.path, 'data');
});

afterEach(() => dir.remove());

/** `opentps <argv> --data <this test's data directory>`. */
const cli = (...argv: string[]): Promise<CliRun> => runCliCaptured([...argv, '--data', data]);

function fileOf(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

function assertFails(run: CliRun, code: number, errorCode: string): void {
  assert.equal(run.code, code, `exit ${run.code}: ${run.err.join('\n')}`);
  assert.ok(run.err.length > 0 && run.err.every((line) => line.startsWith(`opentps: ${errorCode}: `)), run.err.join('\n'));
}

async function versionsOf(modelId: string): Promise<Array<{ version: number; isDeletion: boolean; savedBy: string }>> {
  const run = await cli('model', 'versions', modelId, '--json');
  assert.equal(run.code, 0, run.err.join('\n'));
  return JSON.parse(run.out.join('\n')) as Array<{ version: number; isDeletion: boolean; savedBy: string }>;
}

async function showModel(modelId: string): Promise<{ model: EquipmentModel; version: number; savedBy: string }> {
  const run = await cli('model', 'show', modelId);
  assert.equal(run.code, 0, run.err.join('\n'));
  return JSON.parse(run.out.join('\n')) as { model: EquipmentModel; version: number; savedBy: string };
}

/** The fryer's CSV as export writes it, with `edit` applied to its field rows' text. */
async function fryerCsvWith(edit: (fieldRows: string[]) => string[]): Promise<string> {
  const run = await cli('model', 'export', 'e0f1', '--format', 'csv');
  assert.equal(run.code, 0, run.err.join('\n'));
  const lines = run.out.join('\n').split('\r\n');
  const headerAt = lines.indexOf(FIELD_HEADER);
  assert.ok(headerAt > 0, 'the field header is exported');
  return [...lines.slice(0, headerAt + 1), ...edit(lines.slice(headerAt + 1))].join('\r\n');
}

describe('opentps model list, show and export on a store no server has started', () => {
  test('lists the three built-in models at version 1, saved by opentps', async () => {
    const run = await cli('model', 'list');
    assert.equal(run.code, 0, run.err.join('\n'));
    assert.match(run.out[0] ?? '', /^ID\s+NAME\s+KIND\s+FIELDS\s+VERSION\s+SAVED BY\s+SAVED AT$/);
    const ids = run.out.slice(1).map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(ids.sort(), BUILTIN_MODELS.map((model) => model.modelId).sort());
    const listed = JSON.parse((await cli('model', 'list', '--json')).out.join('\n')) as Array<{ modelId: string; version: number; savedBy: string; fields: number }>;
    for (const model of BUILTIN_MODELS) {
      assert.deepEqual(listed.find((entry) => entry.modelId === model.modelId)?.fields, model.fields.length);
    }
    assert.ok(listed.every((entry) => entry.version === 1 && entry.savedBy === 'opentps'));
  });

  test('show prints a built-in model as JSON with its version', async () => {
    const shown = await showModel('E0F1');
    assert.deepEqual(shown.model, EXAMPLE_FRYER_MODEL);
    assert.equal(shown.version, 1);
  });

  test('an unknown model id on show, export and versions is ERR_MODEL_NOT_FOUND with exit code 1', async () => {
    assertFails(await cli('model', 'show', 'beef'), 1, 'ERR_MODEL_NOT_FOUND');
    assertFails(await cli('model', 'export', 'e0f1', 'beef'), 1, 'ERR_MODEL_NOT_FOUND');
    assertFails(await cli('model', 'export', 'beef', '--format', 'csv'), 1, 'ERR_MODEL_NOT_FOUND');
    assertFails(await cli('model', 'versions', 'beef'), 1, 'ERR_MODEL_NOT_FOUND');
  });
});

describe('opentps model import', () => {
  test('a JSON file of one model is saved as version 1, then as version 2, audited as cli', async () => {
    const path = fileOf('cabinet.json', JSON.stringify(NEW_MODEL));
    const first = await cli('model', 'import', path);
    assert.equal(first.code, 0, first.err.join('\n'));
    assert.deepEqual(first.out, ['imported ab01 "Hot-holding cabinet" as version 1 (2 fields)']);
    const second = await cli('model', 'import', path, '--expected-version', '1');
    assert.deepEqual(second.out, ['imported ab01 "Hot-holding cabinet" as version 2 (2 fields)']);
    assert.deepEqual((await showModel('ab01')).model, NEW_MODEL);
    assert.deepEqual((await versionsOf('ab01')).map((version) => [version.version, version.savedBy]), [[2, 'cli'], [1, 'cli']]);
  });

  test('a stale --expected-version is ERR_MODEL_VERSION_CONFLICT, exit 1, and saves nothing', async () => {
    const path = fileOf('fryer.json', JSON.stringify({ ...EXAMPLE_FRYER_MODEL, name: 'Renamed fryer' }));
    assert.equal((await cli('model', 'import', path, '--expected-version', '1')).code, 0);
    assertFails(await cli('model', 'import', path, '--expected-version', '1'), 1, 'ERR_MODEL_VERSION_CONFLICT');
    assertFails(await cli('model', 'import', fileOf('new.json', JSON.stringify(NEW_MODEL)), '--expected-version', '3'), 1, 'ERR_MODEL_VERSION_CONFLICT');
    assert.deepEqual((await versionsOf('e0f1')).map((version) => version.version), [2, 1]);
    assertFails(await cli('model', 'show', 'ab01'), 1, 'ERR_MODEL_NOT_FOUND');
  });

  test('a JSON array whose second model is bad imports none of them', async () => {
    const bad = { ...NEW_MODEL, modelId: 'ab02', fields: [{ key: 'x', label: 'X', class: 'telemetry', type: 'number', min: 10, max: 5 }] };
    const run = await cli('model', 'import', fileOf('models.json', JSON.stringify([NEW_MODEL, bad])));
    assertFails(run, 1, 'ERR_MODEL_INVALID');
    assert.ok(run.err.some((line) => line.includes('model 2 ("ab02"), fields[0].min: min 10 is above max 5')), run.err.join('\n'));
    assert.deepEqual(run.out, []);
    assertFails(await cli('model', 'show', 'ab01'), 1, 'ERR_MODEL_NOT_FOUND');
    assertFails(await cli('model', 'show', 'ab02'), 1, 'ERR_MODEL_NOT_FOUND');
  });

  test('a JSON array of good models saves each and says which versions', async () => {
    const run = await cli('model', 'import', fileOf('models.json', JSON.stringify([NEW_MODEL, { ...EXAMPLE_FRYER_MODEL, name: 'Fryer v2' }])));
    assert.equal(run.code, 0, run.err.join('\n'));
    assert.deepEqual(run.out, ['imported ab01 "Hot-holding cabinet" as version 1 (2 fields)', `imported e0f1 "Fryer v2" as version 2 (${EXAMPLE_FRYER_MODEL.fields.length} fields)`]);
  });

  /** The rows with the one starting with `key,` changed by replacing `from` with `to`. */
  const replaceIn = (key: string, from: string | RegExp, to: string) => (rows: string[]): string[] =>
    rows.map((row) => (row.startsWith(`${key},`) ? row.replace(from, to) : row));
  const csvCases: Array<[string, (rows: string[]) => string[], string]> = [
    ['a bad unit', replaceIn('set_temp', ',Cel,', ',degC,'), 'column unit: "degC" is not an accepted UCUM code'],
    ['an unknown class', replaceIn('program_mode', ',telemetry,', ',measured,'), 'column class: unknown class "measured"'],
    ['an enum without labels', replaceIn('program_mode', /,0=off;[^,]*,/, ',,'), 'column enum_labels: an enum needs labels'],
    ['min above max', replaceIn('set_time', ',0,0,7200,', ',0,7200,0,'), 'column min: min 7200 is above max 0'],
    ['a duplicate key', (rows) => [...rows, 'oil_temp,Again,telemetry,boolean'], 'column key: duplicate key "oil_temp"'],
  ];
  for (const [what, edit, expected] of csvCases) {
    test(`a CSV with ${what} names the row and column and saves nothing`, async () => {
      const before = await versionsOf('e0f1');
      const csv = await fryerCsvWith(edit);
      assert.notEqual(csv, await fryerCsvWith((rows) => rows), 'the edit changed the file');
      const run = await cli('model', 'import', fileOf('fryer.csv', csv));
      assertFails(run, 1, 'ERR_MODEL_INVALID');
      assert.ok(run.err.some((line) => /: row \d+, column /.test(line) && line.includes(expected)), run.err.join('\n'));
      assert.deepEqual(await versionsOf('e0f1'), before);
    });
  }

  test('a CSV file with a BOM and CRLF line ends, and a JSON file with both, are imported', async () => {
    const csv = `\uFEFF${['model_id,ab01', 'name,Hot-holding cabinet', 'maker,Example', 'kind,holding cabinet', '', FIELD_HEADER, 'cab_t,Cabinet temperature,telemetry,number,Cel,0.1,,1,0,120,TRUE,,,', 'mode,Mode,setting,enum,,,,,,,,0=off;1=hold;2=eco,,'].join('\r\n')}\r\n`;
    const run = await cli('model', 'import', fileOf('cabinet.CSV', csv));
    assert.equal(run.code, 0, run.err.join('\n'));
    assert.deepEqual((await showModel('ab01')).model, NEW_MODEL);
    const json = `\uFEFF${JSON.stringify({ ...NEW_MODEL, modelId: 'ab02' }, null, 2).replaceAll('\n', '\r\n')}\r\n`;
    assert.equal((await cli('model', 'import', fileOf('cabinet.json', json))).code, 0);
    assert.deepEqual((await showModel('ab02')).model, { ...NEW_MODEL, modelId: 'ab02' });
  });

  test('--as saves the file\'s model under another model id', async () => {
    const run = await cli('model', 'import', fileOf('cabinet.json', JSON.stringify(NEW_MODEL)), '--as', 'AB09');
    assert.equal(run.code, 0, run.err.join('\n'));
    assert.deepEqual((await showModel('ab09')).model, { ...NEW_MODEL, modelId: 'ab09' });
    assertFails(await cli('model', 'show', 'ab01'), 1, 'ERR_MODEL_NOT_FOUND');
  });

  test('a duplicate member in a JSON file is ERR_JSON_DUPLICATE_KEY', async () => {
    const text = JSON.stringify(NEW_MODEL).replace('"name":', '"name":"First","name":');
    assertFails(await cli('model', 'import', fileOf('cabinet.json', text)), 1, 'ERR_JSON_DUPLICATE_KEY');
  });
});

describe('opentps model export', () => {
  test('every model exported as JSON imports into a fresh store as the same models', async () => {
    assert.equal((await cli('model', 'import', fileOf('cabinet.json', JSON.stringify(NEW_MODEL)))).code, 0);
    const out = join(dir.path, 'all.json');
    const exported = await cli('model', 'export', '--out', out);
    assert.equal(exported.code, 0, exported.err.join('\n'));
    const models = JSON.parse(readFileSync(out, 'utf8')) as EquipmentModel[];
    assert.deepEqual(models.map((model) => model.modelId).sort(), ['ab01', 'c000', 'e0c1', 'e0f1']);
    data = join(dir.path, 'other-data');
    const imported = await cli('model', 'import', out);
    assert.equal(imported.code, 0, imported.err.join('\n'));
    const again = await cli('model', 'export');
    assert.deepEqual(JSON.parse(again.out.join('\n')), models);
  });

  for (const model of BUILTIN_MODELS) {
    test(`the built-in model ${model.modelId} exported as CSV imports back unchanged`, async () => {
      const out = join(dir.path, `${model.modelId}.csv`);
      assert.equal((await cli('model', 'export', model.modelId, '--out', out)).code, 0);
      const imported = await cli('model', 'import', out, '--expected-version', '1');
      assert.equal(imported.code, 0, imported.err.join('\n'));
      const shown = await showModel(model.modelId);
      assert.equal(shown.version, 2);
      assert.deepEqual(shown.model, model);
    });
  }

  test('one named model is exported as a JSON object', async () => {
    const run = await cli('model', 'export', 'e0f1');
    assert.deepEqual(JSON.parse(run.out.join('\n')), EXAMPLE_FRYER_MODEL);
  });
});

describe('opentps model delete and versions', () => {
  test('a deleted model is gone from list and show, and its versions show the deletion', async () => {
    assert.equal((await cli('model', 'import', fileOf('cabinet.json', JSON.stringify(NEW_MODEL)))).code, 0);
    assert.equal((await cli('model', 'delete', 'ab01')).code, 0);
    assertFails(await cli('model', 'show', 'ab01'), 1, 'ERR_MODEL_NOT_FOUND');
    assert.deepEqual((await versionsOf('ab01')).map((version) => [version.version, version.isDeletion]), [[2, true], [1, false]]);
    const table = await cli('model', 'versions', 'ab01');
    assert.match(table.out[1] ?? '', /^2\s+deleted\s+2\s+cli\s+\d{4}-/);
  });

  test('a built-in model cannot be deleted', async () => {
    assertFails(await cli('model', 'delete', 'e0f1'), 1, 'ERR_MODEL_BUILTIN');
    assert.deepEqual((await versionsOf('e0f1')).length, 1);
  });
});

describe('opentps model usage errors', () => {
  const usageCases: Array<[string, string[]]> = [
    ['no subcommand', ['model']],
    ['an unknown subcommand', ['model', 'rename', 'e0f1']],
    ['show without a model id', ['model', 'show']],
    ['show with two model ids', ['model', 'show', 'e0f1', 'e0c1']],
    ['import without a file', ['model', 'import']],
    ['import of a file that does not exist', ['model', 'import', 'no-such-file.json']],
    ['import of a file whose format cannot be told', ['model', 'import', 'models.txt']],
    ['an unknown --format', ['model', 'export', 'e0f1', '--format', 'xml']],
    ['a CSV export of no named model', ['model', 'export', '--format', 'csv']],
    ['a CSV export of two models', ['model', 'export', 'e0f1', 'e0c1', '--out', 'two.csv']],
    ['--expected-version that is not a number', ['model', 'import', 'm.json', '--expected-version', 'latest']],
    ['an unknown option', ['model', 'list', '--all']],
  ];
  for (const [what, argv] of usageCases) {
    test(`${what} is ERR_CLI_USAGE with exit code 2`, async () => {
      assertFails(await cli(...argv), 2, 'ERR_CLI_USAGE');
    });
  }

  test('--as or --expected-version with a file of several models is a usage error and saves nothing', async () => {
    const path = fileOf('models.json', JSON.stringify([NEW_MODEL, { ...NEW_MODEL, modelId: 'ab02' }]));
    assertFails(await cli('model', 'import', path, '--as', 'ab03'), 2, 'ERR_CLI_USAGE');
    assertFails(await cli('model', 'import', path, '--expected-version', '0'), 2, 'ERR_CLI_USAGE');
    assertFails(await cli('model', 'show', 'ab01'), 1, 'ERR_MODEL_NOT_FOUND');
  });
});
