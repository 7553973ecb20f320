// How one decoded heartbeat value reads everywhere in the console: the display text, or the raw value with a
// marker when it does not fit its dictionary field, plus HACCP and out-of-range markers with explanations.
import type { DecodedValue } from '../api-model.js';
import { compactJson } from '../device/json-view.js';
import { el } from '../dom-builder.js';
import { badge } from '../status-badge.js';

/** The value as the operator reads it, followed by its markers. */
export function decodedValueView(value: DecodedValue): HTMLSpanElement {
  const text = value.isMismatch
    ? el('span', { class: 'mono value-mismatch' }, compactJson(value.raw))
    : el('span', { class: value.isOutOfRange ? 'value-out-of-range' : undefined }, value.display);
  return el('span', { class: 'decoded-value' }, text, ...valueMarkers(value));
}

/** The HACCP, mismatch and out-of-range badges of a value; each title says what it means. */
export function valueMarkers(value: DecodedValue): HTMLSpanElement[] {
  const markers: HTMLSpanElement[] = [];
  if (value.isHaccp) markers.push(badge('HACCP', 'info', 'A food-safety value: HACCP records keep it'));
  if (value.isMismatch) markers.push(badge('mismatch', 'bad', mismatchTitle(value)));
  if (value.isOutOfRange) markers.push(badge('out of range', 'warn', "The decoded value is outside the dictionary's min and max for this field"));
  return markers;
}

function mismatchTitle(value: DecodedValue): string {
  const expected = value.fieldType === null ? 'its field' : `a ${value.fieldType} field`;
  return `The device sent ${compactJson(value.raw)}, which does not fit ${expected} of the model's dictionary: shown raw, not decoded`;
}

/** "Oil temperature 177.0 °C" in a short line: the label (or key) and the value. */
export function valueLabel(value: DecodedValue): string {
  return value.label ?? value.key;
}
