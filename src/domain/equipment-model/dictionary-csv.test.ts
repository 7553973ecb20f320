import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenTpsError } from '../../errors.js';
import { BUILTIN_MODELS } from './builtin-models.js';
import type { EquipmentModel } from './data-dictionary.js';
import { formatDictionaryCsv, parseDictionaryCsv, type DictionaryCsvProblem } from './dictionary-csv.js';

const HEADER = 'key,label,class,type,unit,scale,offset,precision,min,max,haccp,enum_labels,bit_labels,item_labels';
const MODEL_ROWS = ['model_id,e0f1', 'name,Example fryer', 'maker,OpenTPS examples', 'kind,fryer', ''];

function csvOf(...fieldRows: string[]): string {
  return [...MODEL_ROWS, HEADER, ...fieldRows].join('\n');
}

/** The problems parseDictionaryCsv reports for `text`, as `location: problem`-free [row, column] pairs. */
function problemsOf(text: string): DictionaryCsvProblem[] {
  try {
    parseDictionaryCsv(text);
  } catch (error) {
    assert.ok(error instanceof OpenTpsError);
    assert.equal(error.code, 'ERR_MODEL_INVALID');
    return (error.details?.['problems'] ?? []) as DictionaryCsvProblem[];
  }
  assert.fail('the CSV was accepted');
}

function cellsOf(problems: readonly DictionaryCsvProblem[]): Array<[number | null, string | null]> {
  return problems.map((problem) => [problem.row, problem.column]);
}

for (const model of BUILTIN_MODELS) {
  test(`the built-in model ${model.modelId} exported as CSV imports back as the same model`, () => {
    const text = formatDictionaryCsv(model);
    assert.ok(text.startsWith('\uFEFFmodel_id,'), 'a BOM, then the model rows');
    assert.ok(text.includes(`\r\n${HEADER}\r\n`), 'CRLF line ends and the documented header');
    assert.deepEqual(parseDictionaryCsv(text), model);
  });
}

test('labels with ; = \\ and spaces at their ends survive the round trip', () => {
  const model: EquipmentModel = {
    modelId: 'ab12',
    name: 'Odd, "quoted" name',
    maker: 'Maker',
    kind: 'test',
    fields: [
      { key: 'mode', label: 'Mode, with comma', class: 'setting', type: 'enum', enumLabels: { '0': 'a;b', 'x=y': 'c=d', '2': 'back\\slash', '3': ' padded ', '4': 'line\nbreak' } },
      { key: 'bits', label: 'Bits', class: 'event', type: 'bitmask', bitLabels: { '0': 'high limit tripped', '31': 'last;bit' } },
      { key: 'arr', label: 'Array', class: 'telemetry', type: 'json', itemLabels: ['one;two', '\\', ' three'] },
      { key: 'n', label: 'Number', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, offset: -40, precision: 2, min: -1e-7, max: 4294967295, haccp: false },
    ],
  };
  assert.deepEqual(parseDictionaryCsv(formatDictionaryCsv(model)), model);
});

test('a file with a BOM, CRLF line ends, spaces around label entries and padding cells is read', () => {
  const text = '\uFEFFmodel_id,E0F1,,,\r\nname,Fryer\r\nmaker,M\r\nkind,fryer\r\n\r\nkey,label,class,type,enum_labels,,\r\nstate, State ,telemetry,enum," 0 = off ; 1=melt;2=heating "\r\n';
  assert.deepEqual(parseDictionaryCsv(text), {
    modelId: 'E0F1',
    name: 'Fryer',
    maker: 'M',
    kind: 'fryer',
    fields: [{ key: 'state', label: 'State', class: 'telemetry', type: 'enum', enumLabels: { '0': 'off', '1': 'melt', '2': 'heating' } }],
  });
});

test('a bad unit is reported at its row and column', () => {
  const problems = problemsOf(csvOf('ok,Fine,telemetry,number,Cel', 'oil_t,Oil,telemetry,number,degC'));
  assert.deepEqual(cellsOf(problems), [[8, 'unit']]);
  assert.match(problems[0]?.problem ?? '', /"degC" is not an accepted UCUM code/);
});

test('an unknown class, an enum without labels, min above max and a duplicate key each name their cell', () => {
  const problems = problemsOf(
    csvOf(
      'a,A,measured,number',
      'b,B,telemetry,enum',
      'c,C,telemetry,number,,,,,10,5',
      'a,Again,telemetry,boolean',
    ),
  );
  assert.deepEqual(cellsOf(problems), [
    [7, 'class'],
    [8, 'enum_labels'],
    [9, 'min'],
    [10, 'key'],
  ]);
});

test('the error message lists one line per problem, each starting with its location', () => {
  assert.throws(
    () => parseDictionaryCsv(csvOf('a,A,telemetry,number,degC', 'b,B,telemetry,number,,zero')),
    (error: unknown) => {
      assert.ok(error instanceof OpenTpsError);
      const lines = error.message.split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[1] ?? '', /^row 7, column unit: "degC"/);
      assert.match(lines[2] ?? '', /^row 8, column scale: "zero" is not a number/);
      return true;
    },
  );
});

test('cells that cannot be read are reported once, at their cell', () => {
  const problems = problemsOf(csvOf('s,S,telemetry,enum,,,,,,,maybe,0=off;;1=on', 'j,J,telemetry,json,,,,,,,,,,a\\x'));
  assert.deepEqual(cellsOf(problems), [
    [7, 'haccp'],
    [7, 'enum_labels'],
    [8, 'item_labels'],
  ]);
  assert.match(problems[1]?.problem ?? '', /entry 2 is empty/);
  assert.match(problems[2]?.problem ?? '', /unknown escape \\x/);
});

test('missing and repeated model rows, unknown columns and a missing header are reported', () => {
  assert.deepEqual(cellsOf(problemsOf(['model_id,e0f1', 'name,N', 'kind,k', HEADER, 'a,A,telemetry,boolean'].join('\n'))), [[null, 'maker']]);
  assert.deepEqual(cellsOf(problemsOf(['model_id,e0f1', 'model_id,e0f2', 'name,N', 'maker,M', 'kind,k', HEADER].join('\n'))), [[2, 'model_id']]);
  assert.deepEqual(cellsOf(problemsOf([...MODEL_ROWS, 'key,label,class,type,colour', 'a,A,telemetry,boolean,red'].join('\n'))), [
    [6, 'colour'],
    [7, null],
  ]);
  assert.deepEqual(cellsOf(problemsOf(MODEL_ROWS.join('\n'))), [[null, null]]);
  assert.deepEqual(cellsOf(problemsOf(['model_id,123', 'name,N', 'maker,M', 'kind,k', HEADER].join('\n'))), [[1, 'model_id']]);
});

test('a CSV that is not well formed is ERR_MODEL_INVALID naming the line', () => {
  assert.throws(() => parseDictionaryCsv(csvOf('a,"A,telemetry,boolean')), (error: unknown) => error instanceof OpenTpsError && error.code === 'ERR_MODEL_INVALID' && /line/.test(error.message));
});
