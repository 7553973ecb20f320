// The published JSON Schema of an equipment model file (docs/schemas/equipment-model.schema.json), derived
// from EquipmentModelSchema, never written by hand: `opentps model schema` prints it, and
// test/model-schema-file.test.ts fails when the committed file and the TypeBox definition disagree.
// The schema says the shape only; the rules it cannot say (UCUM units, labels present, min <= max, unique
// keys) are in dictionary-validation.ts, which `opentps model import` and the admin API apply.

import { EquipmentModelSchema } from './data-dictionary.js';

/** The dialect TypeBox's output follows. */
const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** The published schema: EquipmentModelSchema with the dialect it follows (what the API's schema route serves). */
export function equipmentModelJsonSchema(): Record<string, unknown> {
  return { $schema: JSON_SCHEMA_DIALECT, ...EquipmentModelSchema };
}

/** The text of the published schema file: 2-space indented JSON ending in a newline. */
export function formatEquipmentModelJsonSchema(): string {
  // JSON.stringify leaves out TypeBox's symbol-keyed members ([Kind], [OptionalKind]): only JSON Schema remains.
  return `${JSON.stringify(equipmentModelJsonSchema(), null, 2)}\n`;
}
