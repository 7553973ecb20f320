// The devices table: sortable column headers, status badges, and one click through to a device.
import type { DeviceSortKey, SortOrder } from '../api-client.js';
import type { Device } from '../api-model.js';
import { alertSlot } from '../alerts/row-alert-badges.js';
import { el, replaceChildren } from '../dom-builder.js';
import { deviceHref } from '../hash-router.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

interface Column {
  readonly label: string;
  readonly sortKey: DeviceSortKey | null;
  readonly isNumeric: boolean;
}

const COLUMNS: readonly Column[] = [
  { label: 'CWM id', sortKey: 'id', isNumeric: false },
  { label: 'Name', sortKey: 'name', isNumeric: false },
  { label: 'Status', sortKey: null, isNumeric: false },
  { label: 'Last seen', sortKey: 'lastSeen', isNumeric: false },
  { label: 'OKEs', sortKey: null, isNumeric: true },
  { label: 'Queued', sortKey: 'queued', isNumeric: true },
  { label: 'CRC failures', sortKey: 'crcFailures', isNumeric: true },
  { label: 'Remote address', sortKey: null, isNumeric: false },
];

export interface DeviceTableOptions {
  readonly onSort: (sortKey: DeviceSortKey) => void;
  readonly onOpen: (deviceId: string) => void;
}

export interface DeviceTable {
  readonly element: HTMLTableElement;
  readonly show: (devices: readonly Device[], sort: DeviceSortKey, order: SortOrder) => void;
  /** Marks a device seen just now, from a live `device-seen` event, without refetching the page. */
  readonly markSeen: (deviceId: string, at: string) => void;
}

export function createDeviceTable(options: DeviceTableOptions): DeviceTable {
  const headRow = el('tr');
  const body = el('tbody');
  const element = el('table', { class: 'data-table devices-table' }, el('thead', {}, headRow), body);
  const liveCells = new Map<string, { readonly status: HTMLElement; readonly lastSeen: HTMLElement }>();

  const renderHead = (sort: DeviceSortKey, order: SortOrder): void => {
    replaceChildren(headRow);
    for (const column of COLUMNS) {
      const isSorted = column.sortKey === sort;
      const cell = el('th', {
        scope: 'col',
        class: column.isNumeric ? 'numeric' : undefined,
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

  const renderRow = (device: Device): HTMLTableRowElement => {
    const seen = describeMoment(device.lastSeenAt);
    const statusCell = el('td', {}, badge(device.status), device.isDisabled ? badge('disabled', 'bad') : null);
    const lastSeenCell = el('td', { title: seen.title }, seen.text);
    liveCells.set(device.id, { status: statusCell, lastSeen: lastSeenCell });
    const row = el(
      'tr',
      { class: 'clickable' },
      el('td', {}, el('a', { href: deviceHref(device.id), class: 'mono' }, device.id), alertSlot(device.id)),
      el('td', {}, device.name ?? ''),
      statusCell,
      lastSeenCell,
      el('td', { class: 'numeric' }, device.okeIds.length),
      el('td', { class: 'numeric' }, device.queuedCount),
      el('td', { class: 'numeric' }, device.crcFailureCount > 0 ? badge(String(device.crcFailureCount), 'warn') : '0'),
      el('td', { class: 'mono' }, device.lastRemoteAddress ?? '-'),
    );
    // The whole row opens the device; the id link stays for keyboard users and "open in new tab".
    row.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a') !== null) return;
      options.onOpen(device.id);
    });
    return row;
  };

  return {
    element,
    show: (devices, sort, order) => {
      renderHead(sort, order);
      liveCells.clear();
      replaceChildren(body, ...devices.map(renderRow));
      if (devices.length === 0) {
        body.appendChild(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'muted empty-row' }, 'No devices match.')));
      }
    },
    markSeen: (deviceId, at) => {
      const cells = liveCells.get(deviceId);
      if (cells === undefined) return;
      const seen = describeMoment(at);
      cells.lastSeen.textContent = seen.text;
      cells.lastSeen.title = seen.title;
      const statusBadge = cells.status.firstElementChild;
      if (statusBadge !== null) statusBadge.replaceWith(badge('online'));
    },
  };
}
