// Pairs every form control with a visible label, so each control has an accessible name.
import { el, uniqueId } from './dom-builder.js';

type LabelledControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * Wraps a control in a labelled field; `hint` is linked with aria-describedby.
 * @example
 * labeledField('Device id', el('input', { name: 'id', required: true }))
 */
export function labeledField(labelText: string, control: LabelledControl, hint?: string): HTMLDivElement {
  if (control.id === '') control.id = uniqueId('field');
  const field = el('div', { class: 'field' }, el('label', { for: control.id }, labelText), control);
  if (hint !== undefined) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    field.appendChild(el('small', { id: hintId, class: 'hint' }, hint));
  }
  return field;
}

/** A select whose options are `[value, label]` pairs. */
export function selectOf(name: string, options: readonly (readonly [string, string])[], selected?: string): HTMLSelectElement {
  const select = el('select', { name });
  for (const [value, label] of options) select.appendChild(el('option', { value, selected: value === selected }, label));
  return select;
}
