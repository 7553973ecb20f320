// The shape of an equipment model and its data dictionary (issue 15; PROTOCOL.md Part B 6 and
// KITCHEN-MODELS.md): one TypeBox definition from which the admin API's validation, its OpenAPI document and
// the published JSON Schema of a dictionary file all come, and the TypeScript types below.
// The rules a shape cannot say (units in the UCUM table, enum labels present, min <= max, unique keys) are in
// dictionary-validation.ts.

import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

/** The vendor's field classes: what a field is, not how it is encoded. */
export const FIELD_CLASSES = ['nameplate', 'telemetry', 'setting', 'event'] as const;
/** The vendor's types (Number, ENUM, bitmask, JSON) plus the plain boolean and string a heartbeat carries. */
export const FIELD_TYPES = ['number', 'enum', 'bitmask', 'boolean', 'string', 'json'] as const;

export type FieldClass = (typeof FIELD_CLASSES)[number];
export type FieldType = (typeof FIELD_TYPES)[number];

/** Vendor rule: "alpha-numeric and underscore characters only", case-sensitive (Part B 1.3); 64 as the API's heartbeat fields. */
export const FIELD_KEY_PATTERN = '^[A-Za-z0-9_]{1,64}$';
/** A MODEL_ID is the first 4 hex digits of an origin id (Part B 1.4). */
export const MODEL_ID_PATTERN = '^[0-9a-fA-F]{4}$';
/** Bits 0 to 31: a bitmask is read as an unsigned 32-bit integer. */
export const BIT_INDEX_PATTERN = '^([0-9]|[12][0-9]|3[01])$';
export const MAX_BIT_INDEX = 31;
export const MAX_PRECISION = 9;
export const MAX_FIELDS_PER_MODEL = 500;
export const MAX_ITEM_LABELS = 64;

function literalUnion<const T extends readonly string[]>(values: T, description: string): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((value: T[number]) => Type.Literal(value)), { description });
}

export const FieldClassSchema = literalUnion(FIELD_CLASSES, 'nameplate (fixed facts), telemetry (measured), setting (chosen by a user), event (a count)');
export const FieldTypeSchema = literalUnion(FIELD_TYPES, 'how the raw value is encoded');

export const DictionaryFieldSchema = Type.Object(
  {
    key: Type.String({ pattern: FIELD_KEY_PATTERN, description: 'the key in the heartbeat (case-sensitive)' }),
    label: Type.String({ minLength: 1, maxLength: 200, description: 'what people read' }),
    class: FieldClassSchema,
    type: FieldTypeSchema,
    unit: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'a UCUM code of the accepted table (e.g. Cel, [degF], s, mV), of the decoded value; null for none' })),
    scale: Type.Optional(Type.Number({ default: 1, description: 'number fields: value = raw * scale + offset' })),
    offset: Type.Optional(Type.Number({ default: 0, description: 'number fields: value = raw * scale + offset' })),
    precision: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_PRECISION }), Type.Null()], { description: 'number fields: decimals the decoded value is rounded to; null keeps it as computed' })),
    min: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'number fields: the lowest plausible decoded value' })),
    max: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'number fields: the highest plausible decoded value' })),
    enumLabels: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), { description: 'enum fields: raw value (an integer in decimal, or the string sent) → label' }),
    ),
    bitLabels: Type.Optional(Type.Record(Type.String({ pattern: BIT_INDEX_PATTERN }), Type.String({ minLength: 1 }), { additionalProperties: false, description: 'bitmask fields: bit index 0-31 → label' })),
    itemLabels: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { maxItems: MAX_ITEM_LABELS, description: 'json fields that are arrays: a label per position (the CWM\'s diag, msf, emac); the value stays the raw array' }),
    ),
    haccp: Type.Optional(Type.Boolean({ default: false, description: 'a value food-safety (HACCP) records keep' })),
  },
  { additionalProperties: false, description: 'One field of a data dictionary' },
);

export const EquipmentModelSchema = Type.Object(
  {
    modelId: Type.String({ pattern: MODEL_ID_PATTERN, description: 'the MODEL_ID: the first 4 hex digits of the equipment ids of this model' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    maker: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.String({ minLength: 1, maxLength: 100, description: 'fryer, combi oven, connectware module, ...' }),
    fields: Type.Array(DictionaryFieldSchema, { maxItems: MAX_FIELDS_PER_MODEL }),
  },
  { additionalProperties: false, $id: 'https://opentps.dev/schemas/equipment-model.json', description: 'An equipment model and its data dictionary' },
);

export type DictionaryField = Static<typeof DictionaryFieldSchema>;
export type EquipmentModel = Static<typeof EquipmentModelSchema>;
