// Whether an equipment model may be used: every rule of a data dictionary, each broken rule reported with the
// path of the bad value (`fields[3].unit`), so an API 400, an import command and the console's editor can all
// say exactly which field to fix. Takes `unknown` because it also judges files read by `opentps model import`.

import { Value } from '@sinclair/typebox/value';
import { OpenTpsError } from '../../errors.js';
import {
  EquipmentModelSchema,
  FIELD_CLASSES,
  FIELD_TYPES,
  MAX_BIT_INDEX,
  MAX_FIELDS_PER_MODEL,
  MAX_ITEM_LABELS,
  MAX_PRECISION,
  type EquipmentModel,
} from './data-dictionary.js';
import { isModelId } from './equipment-id.js';
import { isUcumUnit } from './ucum-units.js';

/** One broken rule: where (`fields[3].unit`, or `modelId`) and what is wrong. */
export interface DictionaryProblem {
  path: string;
  problem: string;
}

const FIELD_KEY = /^[A-Za-z0-9_]{1,64}$/;
const BIT_INDEX = /^(0|[1-9][0-9]?)$/;
// Members that only a number field uses: on another type they would be silently ignored by decoding.
const NUMBER_ONLY_MEMBERS = ['scale', 'offset', 'precision', 'min', 'max'] as const;
const FIELD_MEMBERS = new Set(['key', 'label', 'class', 'type', 'unit', 'scale', 'offset', 'precision', 'min', 'max', 'enumLabels', 'bitLabels', 'itemLabels', 'haccp']);
const MODEL_MEMBERS = new Set(['modelId', 'name', 'maker', 'kind', 'fields']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

function checkText(model: Record<string, unknown>, member: string, maxLength: number, problems: DictionaryProblem[]): void {
  const value = model[member];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    problems.push({ path: member, problem: `must be a text of 1 to ${maxLength} characters, got ${describe(value)}` });
  }
}

function checkLabels(path: string, labels: unknown, isBitmask: boolean, problems: DictionaryProblem[]): void {
  if (!isRecord(labels) || Object.keys(labels).length === 0) {
    problems.push({ path, problem: isBitmask ? 'a bitmask needs bit labels: an object of bit index (0-31) → label' : 'an enum needs labels: an object of raw value → label' });
    return;
  }
  for (const [rawKey, label] of Object.entries(labels)) {
    const entryPath = `${path}[${JSON.stringify(rawKey)}]`;
    if (isBitmask && !(BIT_INDEX.test(rawKey) && Number(rawKey) <= MAX_BIT_INDEX)) {
      problems.push({ path: entryPath, problem: `a bit index must be a whole number from 0 to ${MAX_BIT_INDEX}` });
    } else if (rawKey.length === 0) {
      problems.push({ path: entryPath, problem: 'an enum value must not be empty' });
    }
    if (typeof label !== 'string' || label.length === 0) problems.push({ path: entryPath, problem: `a label must be a non-empty text, got ${describe(label)}` });
  }
}

function checkField(field: unknown, path: string, problems: DictionaryProblem[]): void {
  if (!isRecord(field)) {
    problems.push({ path, problem: `a field must be an object, got ${describe(field)}` });
    return;
  }
  for (const member of Object.keys(field)) {
    if (!FIELD_MEMBERS.has(member)) problems.push({ path: `${path}.${member}`, problem: 'is not a member of a dictionary field' });
  }
  if (typeof field.key !== 'string' || !FIELD_KEY.test(field.key)) {
    problems.push({ path: `${path}.key`, problem: `a key must be 1 to 64 letters, digits or underscores (case-sensitive), got ${describe(field.key)}` });
  }
  if (typeof field.label !== 'string' || field.label.length === 0 || field.label.length > 200) {
    problems.push({ path: `${path}.label`, problem: `must be a text of 1 to 200 characters, got ${describe(field.label)}` });
  }
  if (!isOneOf(FIELD_CLASSES, field.class)) {
    problems.push({ path: `${path}.class`, problem: `unknown class ${describe(field.class)}; expected one of ${FIELD_CLASSES.join(', ')}` });
  }
  const type = field.type;
  if (!isOneOf(FIELD_TYPES, type)) {
    problems.push({ path: `${path}.type`, problem: `unknown type ${describe(type)}; expected one of ${FIELD_TYPES.join(', ')}` });
  }
  const unit = field.unit;
  if (unit !== undefined && unit !== null) {
    if (typeof unit !== 'string' || !isUcumUnit(unit)) {
      problems.push({ path: `${path}.unit`, problem: `${describe(unit)} is not an accepted UCUM code (e.g. Cel, [degF], s, mV, kW.h, %)` });
    } else if (type !== 'number' && type !== 'json') {
      problems.push({ path: `${path}.unit`, problem: `a unit applies to number (or json) fields, not to ${describe(type)}` });
    }
  }
  for (const member of ['scale', 'offset'] as const) {
    const value = field[member];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      problems.push({ path: `${path}.${member}`, problem: `must be a finite number, got ${describe(value)}` });
    }
  }
  if (field.scale === 0) problems.push({ path: `${path}.scale`, problem: 'must not be 0: every raw value would decode to the offset' });
  const precision = field.precision;
  if (precision !== undefined && precision !== null && !(Number.isInteger(precision) && typeof precision === 'number' && precision >= 0 && precision <= MAX_PRECISION)) {
    problems.push({ path: `${path}.precision`, problem: `must be a whole number of decimals from 0 to ${MAX_PRECISION}, or null, got ${describe(precision)}` });
  }
  for (const member of ['min', 'max'] as const) {
    const value = field[member];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      problems.push({ path: `${path}.${member}`, problem: `must be a finite number or null, got ${describe(value)}` });
    }
  }
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    problems.push({ path: `${path}.min`, problem: `min ${field.min} is above max ${field.max}` });
  }
  if (type !== undefined && isOneOf(FIELD_TYPES, type) && type !== 'number') {
    for (const member of NUMBER_ONLY_MEMBERS) {
      if (field[member] !== undefined && field[member] !== null) problems.push({ path: `${path}.${member}`, problem: `applies to number fields only, not to ${describe(type)}` });
    }
  }
  if (type === 'enum') checkLabels(`${path}.enumLabels`, field.enumLabels, false, problems);
  else if (field.enumLabels !== undefined) problems.push({ path: `${path}.enumLabels`, problem: `applies to enum fields only, not to ${describe(type)}` });
  if (type === 'bitmask') checkLabels(`${path}.bitLabels`, field.bitLabels, true, problems);
  else if (field.bitLabels !== undefined) problems.push({ path: `${path}.bitLabels`, problem: `applies to bitmask fields only, not to ${describe(type)}` });
  const itemLabels = field.itemLabels;
  if (itemLabels !== undefined && type !== 'json') {
    problems.push({ path: `${path}.itemLabels`, problem: `applies to json fields only, not to ${describe(type)}` });
  } else if (itemLabels !== undefined && (!Array.isArray(itemLabels) || itemLabels.length > MAX_ITEM_LABELS)) {
    problems.push({ path: `${path}.itemLabels`, problem: `must be an array of at most ${MAX_ITEM_LABELS} labels, got ${describe(itemLabels)}` });
  } else if (Array.isArray(itemLabels)) {
    itemLabels.forEach((label: unknown, index) => {
      if (typeof label !== 'string' || label.length === 0) problems.push({ path: `${path}.itemLabels[${index}]`, problem: `a label must be a non-empty text, got ${describe(label)}` });
    });
  }
  if (field.haccp !== undefined && typeof field.haccp !== 'boolean') {
    problems.push({ path: `${path}.haccp`, problem: `must be true or false, got ${describe(field.haccp)}` });
  }
}

/**
 * Every broken rule of a model and its dictionary; an empty list when the model may be used.
 * @example validateEquipmentModel({ ...model, modelId: '363' }) // [{ path: 'modelId', problem: 'a model id must be 4 hex digits, got "363"' }]
 */
export function validateEquipmentModel(input: unknown): DictionaryProblem[] {
  if (!isRecord(input)) return [{ path: '', problem: `a model must be a JSON object, got ${describe(input)}` }];
  const problems: DictionaryProblem[] = [];
  for (const member of Object.keys(input)) {
    if (!MODEL_MEMBERS.has(member)) problems.push({ path: member, problem: 'is not a member of an equipment model' });
  }
  if (typeof input.modelId !== 'string' || !isModelId(input.modelId)) {
    problems.push({ path: 'modelId', problem: `a model id must be 4 hex digits, got ${describe(input.modelId)}` });
  }
  checkText(input, 'name', 200, problems);
  checkText(input, 'maker', 200, problems);
  checkText(input, 'kind', 100, problems);
  const fields = input.fields;
  if (!Array.isArray(fields)) {
    problems.push({ path: 'fields', problem: `must be an array of fields, got ${describe(fields)}` });
    return problems;
  }
  if (fields.length > MAX_FIELDS_PER_MODEL) problems.push({ path: 'fields', problem: `at most ${MAX_FIELDS_PER_MODEL} fields, got ${fields.length}` });
  const firstIndexByKey = new Map<string, number>();
  fields.forEach((field: unknown, index) => {
    checkField(field, `fields[${index}]`, problems);
    if (!isRecord(field) || typeof field.key !== 'string') return;
    const first = firstIndexByKey.get(field.key);
    if (first === undefined) firstIndexByKey.set(field.key, index);
    else problems.push({ path: `fields[${index}].key`, problem: `duplicate key ${JSON.stringify(field.key)}, already used by fields[${first}]` });
  });
  // The checks above are meant to cover the schema; should they ever miss a rule the schema has, the schema
  // still decides, so a model that passes here always passes the API's own validation too.
  if (problems.length === 0 && !Value.Check(EquipmentModelSchema, input)) {
    for (const error of Value.Errors(EquipmentModelSchema, input)) problems.push({ path: toFieldPath(error.path), problem: error.message });
  }
  return problems;
}

/** `/fields/3/unit` (JSON Pointer, as TypeBox reports) → `fields[3].unit`. */
function toFieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

/** The model, typed, when it breaks no rule; otherwise ERR_MODEL_INVALID listing every problem (also in `details.problems`). */
export function parseEquipmentModel(input: unknown): EquipmentModel {
  const problems = validateEquipmentModel(input);
  if (problems.length > 0 || !Value.Check(EquipmentModelSchema, input)) {
    const detail = problems.map(({ path, problem }) => (path === '' ? problem : `${path}: ${problem}`)).join('; ');
    throw new OpenTpsError('ERR_MODEL_INVALID', detail, { details: { problems } });
  }
  return input;
}
