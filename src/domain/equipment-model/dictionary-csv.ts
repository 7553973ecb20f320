// The CSV form of an equipment model, for people who edit dictionaries in a spreadsheet (issue 15). The model's
// own data comes first, one row each, its name in the first column and its value in the second; then the field
// header; then one row per field. Rows are numbered as a spreadsheet shows them, so a problem is reported as
// `row 7, column unit`. Example (what `opentps model export e0f1 --format csv` writes, abridged):
//
//   model_id,e0f1
//   name,Example fryer
//   maker,OpenTPS examples
//   kind,fryer
//
//   key,label,class,type,unit,scale,offset,precision,min,max,haccp,enum_labels,bit_labels,item_labels
//   oil_t,Oil temperature,telemetry,number,Cel,0.1,,1,0,250,true,,,
//   state,State,telemetry,enum,,,,,,,,0=off;1=melt;2=heating,,
//   alarms,Alarms,event,bitmask,,,,,,,,,0=high limit tripped;3=low oil level,
//
// Why rows and not command-line options for model_id, name, maker and kind: the file then carries everything,
// an export imports back with no options to remember, and a spreadsheet user edits them where they are seen.
// Rules for reading:
//  - The model rows (model_id, name, maker, kind, in any order) come before the header; blank rows are skipped
//    anywhere; cells are trimmed; a spreadsheet's empty padding cells are ignored.
//  - The header must have key, label, class and type; the other columns are optional and in any order.
//  - An empty cell means the member is absent (no unit, scale 1, offset 0, ...). Numbers are written as in
//    JSON (`0.1`, `-40`, `1e3`; no thousands separators or decimal commas). haccp is true/false (also yes/no, 1/0).
//  - enum_labels and bit_labels are `value=label` entries separated by `;`, item_labels are labels separated by
//    `;`; a backslash escapes `;`, `=` and `\` inside them (label-list.ts has the exact rules).
//  - The file is RFC 4180 CSV (quotes around cells with commas, quotes or line breaks), UTF-8 with or without a
//    byte order mark, CRLF or LF line ends. Export writes the BOM and CRLF, which spreadsheets open correctly.
// Every problem, whether in a cell (a number that is not one) or in the model (an unknown unit, min above max,
// a duplicate key), is reported with its row and column: the model read from the cells is judged by
// validateEquipmentModel like any other, and the paths it reports are mapped back to cells.

import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { OpenTpsError } from '../../errors.js';
import type { DictionaryField, EquipmentModel } from './data-dictionary.js';
import { validateEquipmentModel, type DictionaryProblem } from './dictionary-validation.js';
import { formatLabelItems, formatLabelPairs, parseLabelItems, parseLabelPairs, type LabelListResult } from './label-list.js';

/** The columns, in the order export writes them, and the field member each one holds. */
export const DICTIONARY_CSV_COLUMNS = {
  key: 'key',
  label: 'label',
  class: 'class',
  type: 'type',
  unit: 'unit',
  scale: 'scale',
  offset: 'offset',
  precision: 'precision',
  min: 'min',
  max: 'max',
  haccp: 'haccp',
  enum_labels: 'enumLabels',
  bit_labels: 'bitLabels',
  item_labels: 'itemLabels',
} as const satisfies Record<string, keyof DictionaryField>;

type CsvColumn = keyof typeof DICTIONARY_CSV_COLUMNS;

/** The model's own rows, by their name in the first column, and the model member each one holds. */
export const DICTIONARY_CSV_MODEL_ROWS = { model_id: 'modelId', name: 'name', maker: 'maker', kind: 'kind' } as const;

type ModelRow = keyof typeof DICTIONARY_CSV_MODEL_ROWS;

const REQUIRED_COLUMNS: readonly CsvColumn[] = ['key', 'label', 'class', 'type'];
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_TEXTS = new Set(['true', 'yes', '1']);
const FALSE_TEXTS = new Set(['false', 'no', '0']);

/** A problem of a dictionary CSV: the model path it concerns (when known) and the cell it is in. */
export interface DictionaryCsvProblem extends DictionaryProblem {
  /** The spreadsheet row, from 1; null when the problem has no row (a model row that is missing). */
  readonly row: number | null;
  /** The column's header name (`unit`), or the model row's name (`model_id`); null for a whole row. */
  readonly column: string | null;
}

function isColumn(name: string): name is CsvColumn {
  return Object.hasOwn(DICTIONARY_CSV_COLUMNS, name);
}

function isModelRow(name: string): name is ModelRow {
  return Object.hasOwn(DICTIONARY_CSV_MODEL_ROWS, name);
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** Where the rows of a file put each model member and each field, to map a model path back to a cell. */
interface CsvLayout {
  readonly modelRows: Map<ModelRow, number>;
  readonly fieldRows: number[];
}

const MEMBER_COLUMNS: ReadonlyMap<string, CsvColumn> = new Map(Object.entries(DICTIONARY_CSV_COLUMNS).map(([column, member]) => [member, column as CsvColumn]));
const MODEL_MEMBER_ROWS: ReadonlyMap<string, ModelRow> = new Map(Object.entries(DICTIONARY_CSV_MODEL_ROWS).map(([row, member]) => [member, row as ModelRow]));

/** `fields[3].unit` → the row of the fourth field, column `unit`; `modelId` → the model_id row. */
function locate(path: string, layout: CsvLayout): { row: number | null; column: string | null } {
  const field = /^fields\[(\d+)\](?:\.([A-Za-z]+))?/.exec(path);
  if (field !== null) {
    const row = layout.fieldRows[Number(field[1])] ?? null;
    const member = field[2];
    return { row, column: member === undefined ? null : (MEMBER_COLUMNS.get(member) ?? member) };
  }
  const modelRow = MODEL_MEMBER_ROWS.get(path);
  if (modelRow !== undefined) return { row: layout.modelRows.get(modelRow) ?? null, column: modelRow };
  return { row: null, column: null };
}

/** `row 7, column unit`, `row 1 (model_id)`, `model_id (no such row above the header)`. */
export function formatCsvLocation(problem: Pick<DictionaryCsvProblem, 'row' | 'column' | 'path'>): string {
  const isModelRowName = problem.column !== null && isModelRow(problem.column);
  if (problem.row === null) return isModelRowName ? `${problem.column} (no such row above the header)` : problem.path === '' ? 'file' : problem.path;
  if (problem.column === null) return `row ${problem.row}`;
  return isModelRowName ? `row ${problem.row} (${problem.column})` : `row ${problem.row}, column ${problem.column}`;
}

function readNumber(text: string): LabelListResult<number> {
  const number = Number(text);
  if (!NUMBER_TEXT.test(text) || !Number.isFinite(number)) return { isOk: false, problem: `${JSON.stringify(text)} is not a number (write it as 0.1, -40 or 1e3)` };
  return { isOk: true, value: number };
}

function readBoolean(text: string): LabelListResult<boolean> {
  const lower = text.toLowerCase();
  if (TRUE_TEXTS.has(lower)) return { isOk: true, value: true };
  if (FALSE_TEXTS.has(lower)) return { isOk: true, value: false };
  return { isOk: false, problem: `${JSON.stringify(text)} is not true or false` };
}

/** The member a non-empty cell of `column` holds, or why the cell cannot be read. */
function readCell(column: CsvColumn, text: string): LabelListResult<unknown> {
  switch (column) {
    case 'scale':
    case 'offset':
    case 'precision':
    case 'min':
    case 'max':
      return readNumber(text);
    case 'haccp':
      return readBoolean(text);
    case 'enum_labels':
    case 'bit_labels':
      return parseLabelPairs(text);
    case 'item_labels':
      return parseLabelItems(text);
    default:
      return { isOk: true, value: text };
  }
}

function rowsOf(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (cause) {
    const detail = cause instanceof CsvError ? cause.message : String(cause);
    throw new OpenTpsError('ERR_MODEL_INVALID', `not a readable CSV file: ${detail}`, { cause, details: { problems: [{ path: '', problem: detail, row: null, column: null }] } });
  }
}

/**
 * The model a dictionary CSV holds (see this file's opening comment for the format).
 * @throws OpenTpsError ERR_MODEL_INVALID, its message one line per problem (`row 7, column unit: ...`) and
 *   `details.problems` the DictionaryCsvProblem list
 */
export function parseDictionaryCsv(text: string): EquipmentModel {
  const rows = rowsOf(text);
  const problems: DictionaryCsvProblem[] = [];
  const layout: CsvLayout = { modelRows: new Map(), fieldRows: [] };
  const model: Record<string, unknown> = {};
  const fields: Array<Record<string, unknown>> = [];
  let header: Array<CsvColumn | null> | null = null;
  const cellProblemAt = new Set<string>();
  const addCellProblem = (row: number, column: string | null, problem: string): void => {
    problems.push({ path: '', problem, row, column });
    cellProblemAt.add(`${row}:${column ?? ''}`);
  };

  rows.forEach((rawCells, index) => {
    const row = index + 1;
    const cells = rawCells.map((cell) => cell.trim());
    if (isBlank(cells)) return;
    if (header === null) {
      const first = (cells[0] ?? '').toLowerCase();
      if (first === 'key') {
        header = readHeader(cells, row, addCellProblem);
        return;
      }
      if (!isModelRow(first)) {
        addCellProblem(row, null, `expected a model row (${Object.keys(DICTIONARY_CSV_MODEL_ROWS).join(', ')}) or the field header starting with "key", got ${JSON.stringify(cells[0])}`);
        return;
      }
      if (layout.modelRows.has(first)) addCellProblem(row, first, `a second ${first} row (the first is row ${layout.modelRows.get(first)})`);
      else layout.modelRows.set(first, row);
      if (cells.slice(2).some((cell) => cell !== '')) addCellProblem(row, first, `a model row has its name and one value; more cells are filled`);
      model[DICTIONARY_CSV_MODEL_ROWS[first]] = cells[1] ?? '';
      return;
    }
    const columns: Array<CsvColumn | null> = header;
    const field: Record<string, unknown> = {};
    cells.forEach((cell, position) => {
      const column = columns[position] ?? null;
      if (cell === '') return;
      if (column === null) {
        addCellProblem(row, null, `cell ${position + 1} is filled but its column has no header`);
        return;
      }
      const read = readCell(column, cell);
      if (read.isOk) field[DICTIONARY_CSV_COLUMNS[column]] = read.value;
      else addCellProblem(row, column, read.problem);
    });
    layout.fieldRows.push(row);
    fields.push(field);
  });
  if (header === null) problems.push({ path: '', problem: 'no field header: a row starting with "key" must follow the model rows', row: null, column: null });
  model['fields'] = fields;

  for (const found of validateEquipmentModel(model)) {
    const at = locate(found.path, layout);
    // A cell that could not be read is absent from the model: what the model then lacks is the same problem.
    if (at.row !== null && (cellProblemAt.has(`${at.row}:${at.column ?? ''}`) || cellProblemAt.has(`${at.row}:`))) continue;
    problems.push({ ...found, ...at });
  }
  if (problems.length > 0) {
    // In the order a reader goes through the file: what has no row (a missing model row) first.
    problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const lines = problems.map((problem) => `${formatCsvLocation(problem)}: ${problem.problem}`);
    throw new OpenTpsError('ERR_MODEL_INVALID', `${problems.length === 1 ? '' : `${problems.length} problems\n`}${lines.join('\n')}`, { details: { problems } });
  }
  // Checked: validateEquipmentModel found nothing, and it ends with the schema's own check.
  return model as EquipmentModel;
}

function readHeader(cells: readonly string[], row: number, addCellProblem: (row: number, column: string | null, problem: string) => void): Array<CsvColumn | null> {
  const header: Array<CsvColumn | null> = [];
  const seen = new Set<string>();
  for (const cell of cells) {
    const name = cell.toLowerCase();
    if (name === '') {
      header.push(null);
    } else if (!isColumn(name)) {
      addCellProblem(row, cell, `unknown column ${JSON.stringify(cell)}; the columns are ${Object.keys(DICTIONARY_CSV_COLUMNS).join(', ')}`);
      header.push(null);
    } else if (seen.has(name)) {
      addCellProblem(row, name, `column ${name} appears twice`);
      header.push(null);
    } else {
      seen.add(name);
      header.push(name);
    }
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !seen.has(column));
  if (missing.length > 0) addCellProblem(row, null, `the header lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  return header;
}

function cellOf(field: DictionaryField, column: CsvColumn): string {
  const value = field[DICTIONARY_CSV_COLUMNS[column]];
  if (value === undefined || value === null) return '';
  if (column === 'enum_labels' || column === 'bit_labels') return formatLabelPairs(value as Record<string, string>);
  if (column === 'item_labels') return formatLabelItems(value as string[]);
  return String(value);
}

/**
 * The CSV text of a model, which parseDictionaryCsv reads back as the same model (an empty itemLabels array and
 * a null unit, precision, min or max come back absent: they mean the same to decoding).
 */
export function formatDictionaryCsv(model: EquipmentModel): string {
  const columns = Object.keys(DICTIONARY_CSV_COLUMNS) as CsvColumn[];
  const modelRows = (Object.entries(DICTIONARY_CSV_MODEL_ROWS) as Array<[ModelRow, keyof EquipmentModel]>).map(([name, member]) => [name, String(model[member])]);
  const records = [...modelRows, [], columns, ...model.fields.map((field) => columns.map((column) => cellOf(field, column)))];
  return stringify(records, { bom: true, record_delimiter: 'windows' });
}
