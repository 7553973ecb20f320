// A table of decoded values of one field class (nameplate, telemetry, setting, event): the label, the value as
// people read it, the raw value the device sent beside it, the unit and the markers; or the unknown fields, raw.
import type { DecodedValue } from '../api-model.js';
import { compactJson } from '../device/json-view.js';
import { el, replaceChildren } from '../dom-builder.js';
import { decodedValueView } from './decoded-value-view.js';

export interface ValuesSection {
  readonly element: HTMLElement;
  readonly show: (values: readonly DecodedValue[]) => void;
}

export function createValuesSection(sectionId: string, title: string, emptyText: string): ValuesSection {
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'data-table values-table' },
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'Raw'), el('th', { scope: 'col' }, 'Unit')),
    ),
    body,
  );
  const empty = el('p', { class: 'muted' }, emptyText);
  const content = el('div');
  const element = el('section', { class: 'card', id: sectionId, 'aria-labelledby': `${sectionId}-title` }, el('h2', { id: `${sectionId}-title` }, title), content);

  return {
    element,
    show: (values) => {
      replaceChildren(body, ...values.map(renderRow));
      replaceChildren(content, values.length === 0 ? empty : table);
    },
  };
}

function renderRow(value: DecodedValue): HTMLTableRowElement {
  return el(
    'tr',
    { 'data-key': value.key, class: value.isHaccp ? 'haccp-row' : undefined },
    el('th', { scope: 'row' }, value.label ?? value.key, el('div', { class: 'muted mono small' }, value.key)),
    el('td', {}, decodedValueView(value)),
    el('td', { class: 'mono raw-value' }, compactJson(value.raw)),
    el('td', {}, value.unitSymbol ?? value.unit ?? ''),
  );
}

/** Fields the model's dictionary does not know (or equipment without a model): key and raw value only. */
export function createUnknownFieldsSection(): ValuesSection {
  const body = el('tbody');
  const table = el('table', { class: 'data-table values-table' }, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Key'), el('th', { scope: 'col' }, 'Raw value'))), body);
  const content = el('div');
  const element = el(
    'section',
    { class: 'card', id: 'unknown-fields', 'aria-labelledby': 'unknown-fields-title' },
    el('h2', { id: 'unknown-fields-title' }, 'Not in the dictionary'),
    el('p', { class: 'muted small' }, "Sent by the equipment but not described by its model's dictionary: shown as sent."),
    content,
  );
  return {
    element,
    show: (values) => {
      element.hidden = values.length === 0;
      replaceChildren(body, ...values.map((value) => el('tr', { 'data-key': value.key }, el('th', { scope: 'row', class: 'mono' }, value.key), el('td', { class: 'mono raw-value' }, compactJson(value.raw)))));
      replaceChildren(content, table);
    },
  };
}
