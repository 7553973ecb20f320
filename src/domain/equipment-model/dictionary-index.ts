// A model's fields by key, built once per model object: decoding looks a field up per value.

import type { DictionaryField, EquipmentModel } from './data-dictionary.js';

const indexes = new WeakMap<EquipmentModel, ReadonlyMap<string, DictionaryField>>();

/** The model's fields by key (keys are case-sensitive, PROTOCOL.md Part B 1.3). */
export function fieldsByKey(model: EquipmentModel): ReadonlyMap<string, DictionaryField> {
  let index = indexes.get(model);
  if (index === undefined) {
    index = new Map(model.fields.map((field) => [field.key, field]));
    indexes.set(model, index);
  }
  return index;
}
