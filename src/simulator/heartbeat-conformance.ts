// Whether a virtual OKE's heartbeat is one its model's data dictionary reads without a doubt: the same keys,
// every raw value of the field's type (whole numbers where the field is scaled), decoded without a
// mismatch and within the field's min and max. The simulator's tests hold every model to it.

import type { EquipmentModel } from '../domain/equipment-model/data-dictionary.js';
import { decodeField } from '../domain/equipment-model/field-decoding.js';

/**
 * What is wrong with `fields` under `model`, one sentence each; empty when nothing is.
 * @example findHeartbeatViolations(EXAMPLE_FRYER_MODEL, { oil_temp: 1770.5 }) // ['oil_temp: 1770.5 is scaled by 0.1 but not a whole number', ...]
 */
export function findHeartbeatViolations(model: EquipmentModel, fields: Record<string, unknown>): string[] {
  const violations: string[] = [];
  const keys = new Set(model.fields.map((field) => field.key));
  for (const key of Object.keys(fields)) if (!keys.has(key)) violations.push(`${key}: not a field of ${model.modelId}`);
  for (const field of model.fields) {
    if (!Object.hasOwn(fields, field.key)) {
      violations.push(`${field.key}: missing`);
      continue;
    }
    const raw = fields[field.key];
    const decoded = decodeField(field, raw);
    if (decoded.isMismatch) violations.push(`${field.key}: ${JSON.stringify(raw)} does not decode as its type (${field.type})`);
    if (field.type === 'boolean' && typeof raw !== 'boolean') violations.push(`${field.key}: ${JSON.stringify(raw)} is not true or false`);
    if (field.type !== 'number' || typeof decoded.value !== 'number') continue;
    if (field.scale !== undefined && field.scale !== 1 && !Number.isInteger(raw)) {
      violations.push(`${field.key}: ${JSON.stringify(raw)} is scaled by ${field.scale} but not a whole number`);
    }
    if (field.precision === 0 && !Number.isInteger(raw)) violations.push(`${field.key}: ${JSON.stringify(raw)} is not a whole number`);
    if (typeof field.min === 'number' && decoded.value < field.min) violations.push(`${field.key}: ${decoded.value} below its min ${field.min}`);
    if (typeof field.max === 'number' && decoded.value > field.max) violations.push(`${field.key}: ${decoded.value} above its max ${field.max}`);
  }
  return violations;
}
