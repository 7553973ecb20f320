// A heartbeat value as a threshold or counter compares it (issue 16): the number a dictionary's number field
// decodes to, a boolean field's 0/1, or a raw number where the dictionary has no field. One definition for the
// push-path evaluation and the rule editor's preview, so that the preview fires on what the rule would.

import type { DictionaryField } from '../equipment-model/data-dictionary.js';

/**
 * Scaled, offset and rounded as the dictionary says (what decodeField gives, without building its display text:
 * this runs per rule part per stored heartbeat); null when the value is no number to compare.
 */
export function numberOfField(field: DictionaryField | undefined, raw: unknown): number | null {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return null;
  if (field === undefined || field.type !== 'number') return field === undefined || field.type === 'boolean' ? raw : null;
  const computed = raw * (field.scale ?? 1) + (field.offset ?? 0);
  if (field.precision === undefined || field.precision === null) return Number(computed.toPrecision(15));
  const factor = 10 ** field.precision;
  const rounded = Math.round(computed * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}
