// Download progress per (file, device): bytes served, ranges covered, completion and a stalled badge.
import { el, replaceChildren } from '../dom-builder.js';
import { deviceHref } from '../hash-router.js';
import { badge } from '../status-badge.js';
import { formatAge, formatTimestamp } from '../time-format.js';
import { formatBytes, type TransferProgress } from './file-model.js';

export interface TransfersTable {
  readonly element: HTMLElement;
  readonly show: (items: readonly TransferProgress[]) => void;
}

/** At most this many merged ranges are spelled out; the rest are counted. */
const SHOWN_RANGES = 4;

function describeRanges(ranges: TransferProgress['ranges']): string {
  if (ranges.length === 0) return 'none';
  const shown = ranges.slice(0, SHOWN_RANGES).map(([start, end]) => `${start}–${end}`);
  return ranges.length > SHOWN_RANGES ? `${shown.join(', ')} (+${ranges.length - SHOWN_RANGES} more)` : shown.join(', ');
}

function stateBadge(item: TransferProgress): HTMLSpanElement {
  if (item.isComplete) return badge('complete', 'good');
  if (item.isStalled) return badge('stalled', 'bad', `no progress since ${formatTimestamp(item.lastProgressAt)}`);
  return badge('in progress', 'info');
}

/** `column` is 'device' on a file's page and 'file' on a device's page. */
export function createTransfersTable(column: 'device' | 'file'): TransfersTable {
  const body = el('tbody');
  const headers = [column === 'device' ? 'Device' : 'File', 'State', 'Completion', 'Bytes served', 'Requests', 'Ranges covered', 'Last progress'];
  const element = el(
    'table',
    { class: 'data-table transfers-table' },
    el('thead', {}, el('tr', {}, ...headers.map((label) => el('th', { scope: 'col', class: ['Completion', 'Bytes served', 'Requests'].includes(label) ? 'numeric' : undefined }, label)))),
    body,
  );
  const renderRow = (item: TransferProgress): HTMLTableRowElement => {
    const who =
      column === 'file'
        ? el('span', { class: 'mono' }, item.fileName)
        : item.deviceId !== null
          ? el('a', { href: deviceHref(item.deviceId), class: 'mono' }, item.deviceId)
          : el('span', { class: 'muted', title: 'unsigned download, grouped by address' }, `anonymous ${item.remoteAddress ?? ''}`);
    const percent = Math.floor(item.completion * 1000) / 10;
    return el(
      'tr',
      {},
      el('td', {}, who),
      el('td', {}, stateBadge(item)),
      el('td', { class: 'numeric' }, el('progress', { max: 100, value: percent, 'aria-label': `${percent}%` }), ` ${percent}%`),
      el('td', { class: 'numeric', title: `${item.bytesServed} bytes` }, formatBytes(item.bytesServed)),
      el('td', { class: 'numeric' }, item.requests),
      el('td', { class: 'mono small' }, describeRanges(item.ranges), el('span', { class: 'muted' }, ` of ${item.fileSize}`)),
      el('td', { title: formatTimestamp(item.lastProgressAt) }, formatAge(item.lastProgressAt)),
    );
  };
  return {
    element,
    show: (items) => {
      replaceChildren(body, ...items.map(renderRow));
      if (items.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: headers.length, class: 'muted empty-row' }, 'No downloads yet.')));
    },
  };
}
