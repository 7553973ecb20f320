// The equipment table: sortable headers, model and site, the CWM it is behind, status, key decoded values.
import type { SortOrder } from '../api-client.js';
import type { EquipmentSortKey } from '../api/equipment-api.js';
import type { EquipmentListing } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { alertSlot } from '../alerts/row-alert-badges.js';
import { deviceHref, equipmentHref } from '../hash-router.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';
import { decodedValueView, valueLabel } from './decoded-value-view.js';

interface Column {
  readonly label: string;
  readonly sortKey: EquipmentSortKey | null;
}

const COLUMNS: readonly Column[] = [
  { label: 'Equipment id', sortKey: 'id' },
  { label: 'Model', sortKey: 'model' },
  { label: 'Site', sortKey: null },
  { label: 'CWM', sortKey: 'cwm' },
  { label: 'Status', sortKey: null },
  { label: 'Key values', sortKey: null },
  { label: 'Last seen', sortKey: 'lastSeen' },
];

/** Enough values to recognise the state of a machine in one row; the detail page has all of them. */
const KEY_VALUES_SHOWN = 4;

export interface EquipmentTableOptions {
  readonly onSort: (sortKey: EquipmentSortKey) => void;
  readonly onOpen: (equipmentId: string) => void;
}

export interface EquipmentTable {
  readonly element: HTMLTableElement;
  readonly show: (items: readonly EquipmentListing[], sort: EquipmentSortKey, order: SortOrder) => void;
}

export function createEquipmentTable(options: EquipmentTableOptions): EquipmentTable {
  const headRow = el('tr');
  const body = el('tbody');
  const element = el('table', { class: 'data-table equipment-table' }, el('thead', {}, headRow), body);

  const renderHead = (sort: EquipmentSortKey, order: SortOrder): void => {
    replaceChildren(headRow);
    for (const column of COLUMNS) {
      const isSorted = column.sortKey === sort;
      const cell = el('th', {
        scope: 'col',
        'aria-sort': isSorted ? (order === 'asc' ? 'ascending' : 'descending') : column.sortKey === null ? undefined : 'none',
      });
      const sortKey = column.sortKey;
      if (sortKey === null) {
        cell.textContent = column.label;
      } else {
        const arrow = isSorted ? (order === 'asc' ? ' ▲' : ' ▼') : '';
        const button = el('button', { type: 'button', class: 'sort-button', title: `Sort by ${column.label}` }, column.label, arrow);
        button.addEventListener('click', () => options.onSort(sortKey));
        cell.appendChild(button);
      }
      headRow.appendChild(cell);
    }
  };

  const renderRow = (item: EquipmentListing): HTMLTableRowElement => {
    const seen = describeMoment(item.lastSeenAt);
    const row = el(
      'tr',
      { class: 'clickable', 'data-equipment-id': item.id },
      el('td', {}, el('a', { href: equipmentHref(item.id), class: 'mono' }, item.id), item.isCwm ? badge('CWM', 'neutral') : null, alertSlot(item.id)),
      el('td', {}, modelText(item)),
      el('td', {}, item.site?.name ?? el('span', { class: 'muted' }, 'none')),
      el('td', {}, el('a', { href: deviceHref(item.cwmId), class: 'mono' }, item.cwmId)),
      el('td', {}, badge(item.status)),
      el('td', { class: 'key-values' }, ...keyValueLines(item)),
      el('td', { title: seen.title, class: 'nowrap' }, seen.text),
    );
    // The whole row opens the equipment; links (its id, its CWM) keep their own targets.
    row.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a') !== null) return;
      options.onOpen(item.id);
    });
    return row;
  };

  return {
    element,
    show: (items, sort, order) => {
      renderHead(sort, order);
      replaceChildren(body, ...items.map(renderRow));
      if (items.length === 0) {
        body.appendChild(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'muted empty-row' }, 'No equipment matches.')));
      }
    },
  };
}

/** The model's name; its bare id when the catalog has no such model; "unknown" when the id tells no model. */
export function modelText(item: { readonly modelId: string | null; readonly model: { readonly name: string } | null }): HTMLElement {
  if (item.model !== null) return el('span', { title: item.modelId ?? undefined }, item.model.name);
  if (item.modelId !== null) return el('span', { class: 'mono', title: 'No model with this id in the catalog' }, item.modelId);
  return el('span', { class: 'muted' }, 'unknown');
}

function keyValueLines(item: EquipmentListing): HTMLElement[] {
  if (item.keyValues.length === 0) return [el('span', { class: 'muted' }, '-')];
  return item.keyValues.slice(0, KEY_VALUES_SHOWN).map((value) => el('div', { class: 'key-value' }, el('span', { class: 'muted' }, `${valueLabel(value)}: `), decodedValueView(value)));
}
