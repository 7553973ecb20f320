// Latest heartbeat values as people read them (issue 15 "decoding everywhere"): each value decoded with its
// model's dictionary field, the raw value kept beside it; a field the dictionary does not know is shown raw,
// never dropped; a raw value that does not fit its field is shown raw and marked.

import type { DictionaryField, EquipmentModel, FieldClass, FieldType } from '../equipment-model/data-dictionary.js';
import { fieldsByKey } from '../equipment-model/dictionary-index.js';
import { decodeField, type DecodedField } from '../equipment-model/field-decoding.js';
import { ucumSymbol } from '../equipment-model/ucum-units.js';

export interface DecodedValue extends DecodedField {
  readonly key: string;
  /** The dictionary's label; null for a field the dictionary does not know. */
  readonly label: string | null;
  readonly fieldClass: FieldClass | null;
  readonly fieldType: FieldType | null;
  /** The unit's symbol (`°C`), for the unit of `value`. */
  readonly unitSymbol: string | null;
  readonly isHaccp: boolean;
  /** A decoded number outside the field's min/max (a value that fits but is implausible). */
  readonly isOutOfRange: boolean;
}

function isOutOfRange(field: DictionaryField | undefined, decoded: DecodedField): boolean {
  if (field === undefined || field.type !== 'number' || decoded.isMismatch) return false;
  const values = Array.isArray(decoded.value) ? decoded.value : [decoded.value];
  return values.some((value) => typeof value === 'number' && ((field.min != null && value < field.min) || (field.max != null && value > field.max)));
}

/** One value decoded with `field` (undefined: not in the dictionary). */
export function decodeValue(key: string, field: DictionaryField | undefined, raw: unknown): DecodedValue {
  const decoded = decodeField(field, raw);
  return {
    ...decoded,
    key,
    label: field?.label ?? null,
    fieldClass: field?.class ?? null,
    fieldType: field?.type ?? null,
    unitSymbol: decoded.unit === null ? null : (ucumSymbol(decoded.unit) ?? decoded.unit),
    isHaccp: field?.haccp === true,
    isOutOfRange: isOutOfRange(field, decoded),
  };
}

/**
 * Every field of `latest` decoded with `model` (null: no model, all raw): the dictionary's fields first, in
 * its order, then the ones it does not know, by key.
 */
export function decodeLatestValues(model: EquipmentModel | null, latest: Readonly<Record<string, unknown>>): DecodedValue[] {
  const index = model === null ? new Map<string, DictionaryField>() : fieldsByKey(model);
  const known = model === null ? [] : model.fields.filter((field) => Object.hasOwn(latest, field.key)).map((field) => decodeValue(field.key, field, latest[field.key]));
  const unknown = Object.keys(latest).filter((key) => !index.has(key)).sort().map((key) => decodeValue(key, undefined, latest[key]));
  return [...known, ...unknown];
}

/**
 * The few values a table row shows for an equipment: HACCP values first, then telemetry, in dictionary
 * order; without a model, the first raw fields by key.
 */
export function keyValuesOf(model: EquipmentModel | null, latest: Readonly<Record<string, unknown>>, count: number): DecodedValue[] {
  const values = decodeLatestValues(model, latest);
  if (model === null) return values.slice(0, count);
  const rank = (value: DecodedValue): number => (value.isHaccp ? 0 : value.fieldClass === 'telemetry' ? 1 : 2);
  return values
    .filter((value) => value.fieldClass === 'telemetry' || value.isHaccp)
    .map((value, order) => ({ value, order }))
    .sort((a, b) => rank(a.value) - rank(b.value) || a.order - b.order)
    .slice(0, count)
    .map(({ value }) => value);
}
