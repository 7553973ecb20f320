// A heartbeat value decoded with its model's dictionary, the raw value beside it (issue 15).

import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common-schemas.js';

export const DecodedValueSchema = Type.Object({
  key: Type.String({ description: 'the heartbeat key' }),
  label: Nullable(Type.String({ description: "the dictionary's label; null when the dictionary does not know the field" })),
  fieldClass: Nullable(StringEnum(['nameplate', 'telemetry', 'setting', 'event'] as const)),
  fieldType: Nullable(StringEnum(['number', 'enum', 'bitmask', 'boolean', 'string', 'json'] as const)),
  raw: Type.Unknown({ description: 'the value as the device sent it' }),
  value: Type.Unknown({ description: 'decoded: number scaled and rounded, enum label, labels of the set bits; the raw value when it does not fit or the field is unknown' }),
  display: Type.String({ description: 'the value as people read it, with the unit symbol' }),
  unit: Nullable(Type.String({ description: 'UCUM code of `value`' })),
  unitSymbol: Nullable(Type.String()),
  isMismatch: Type.Boolean({ description: 'the raw value does not fit the field type: shown raw' }),
  isOutOfRange: Type.Boolean({ description: "a decoded number outside the field's min/max" }),
  isHaccp: Type.Boolean(),
});
