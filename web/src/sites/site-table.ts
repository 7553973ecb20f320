// The sites table: name, address, time zone, gateway MACs, CWMs at the site, with edit and delete per row.
import type { Site } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';

export interface SiteTableOptions {
  readonly onEdit: (site: Site) => void;
  readonly onDelete: (site: Site) => void;
}

export interface SiteTable {
  readonly element: HTMLTableElement;
  readonly show: (sites: readonly Site[]) => void;
}

const COLUMNS = ['Name', 'Address', 'Time zone', 'Gateway MACs', 'CWMs', ''] as const;

export function createSiteTable(options: SiteTableOptions): SiteTable {
  const body = el('tbody');
  const element = el(
    'table',
    { class: 'data-table sites-table' },
    el('thead', {}, el('tr', {}, ...COLUMNS.map((column) => el('th', { scope: 'col', class: column === 'CWMs' ? 'numeric' : undefined }, column)))),
    body,
  );

  const renderRow = (site: Site): HTMLTableRowElement => {
    const editButton = el('button', { type: 'button', class: 'small', 'aria-label': `Edit ${site.name}` }, 'Edit');
    const deleteButton = el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${site.name}` }, 'Delete');
    editButton.addEventListener('click', () => options.onEdit(site));
    deleteButton.addEventListener('click', () => options.onDelete(site));
    return el(
      'tr',
      { 'data-site-id': site.id },
      el('td', {}, el('strong', {}, site.name)),
      el('td', {}, site.address ?? el('span', { class: 'muted' }, '-')),
      el('td', {}, site.timeZone ?? el('span', { class: 'muted' }, '-')),
      el('td', { class: 'mono' }, ...(site.gatewayMacs.length === 0 ? [el('span', { class: 'muted' }, '-')] : site.gatewayMacs.map((mac) => el('div', {}, mac)))),
      el('td', { class: 'numeric' }, site.cwmCount),
      el('td', { class: 'nowrap' }, editButton, ' ', deleteButton),
    );
  };

  return {
    element,
    show: (sites) => {
      replaceChildren(body, ...sites.map(renderRow));
      if (sites.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'muted empty-row' }, 'No sites yet.')));
    },
  };
}
