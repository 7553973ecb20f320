// Shows JSON values compactly in tables and fully in expanded views.
import { el } from '../dom-builder.js';

export function compactJson(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A preformatted block; strings that hold JSON are pretty-printed too. */
export function jsonBlock(value: unknown, label: string): HTMLPreElement {
  let text: string;
  if (typeof value === 'string') {
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      text = value;
    }
  } else {
    text = value === undefined ? '' : JSON.stringify(value, null, 2);
  }
  return el('pre', { class: 'json-block', 'aria-label': label, tabindex: 0 }, text === '' ? '(empty)' : text);
}
