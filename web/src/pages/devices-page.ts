// The devices list: server-side search, status, site and tag filters, sort and paging, plus the add-device form.
import type { DeviceQuery, DeviceSortKey } from '../api-client.js';
import { DEVICE_STATUSES, type DeviceStatus } from '../api-model.js';
import { createAddDeviceForm } from '../devices/add-device-form.js';
import { createDeviceTable } from '../devices/device-table.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { navigate } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { fillAlertBadges } from '../alerts/row-alert-badges.js';

const PAGE_SIZE = 50;
const REFRESH_INTERVAL_MS = 10_000;
const SEARCH_DEBOUNCE_MS = 250;
/** Sites offered in the filter: a chain's stores fit; past this, filter the equipment or use the API. */
const SITES_IN_FILTER = 1000;

export function createDevicesPage(context: PageContext): Page {
  const disposables = new Disposables();
  let query: DeviceQuery = { search: '', status: null, siteId: null, tag: null, sort: 'id', order: 'asc', limit: PAGE_SIZE, offset: 0 };
  /** Drops answers to superseded queries, so a slow old search never overwrites a newer one. */
  let requestNumber = 0;

  const searchInput = el('input', { type: 'search', name: 'search', placeholder: 'Id or name', autocomplete: 'off' });
  const statusSelect = selectOf('status', [['', 'All'], ...DEVICE_STATUSES.map((status) => [status, status] as const)], '');
  const siteSelect = selectOf('site', [['', 'All']], '');
  const tagSelect = selectOf('tag', [['', 'All']], '');
  const summary = el('span', { class: 'muted', 'aria-live': 'polite' });
  const previousButton = el('button', { type: 'button' }, 'Previous');
  const nextButton = el('button', { type: 'button' }, 'Next');
  const errorArea = el('div');
  const table = createDeviceTable({
    onSort: (sort) => load({ ...query, sort, order: nextOrder(query, sort), offset: 0 }),
    onOpen: (deviceId) => navigate({ name: 'device', deviceId }),
  });

  const load = async (next: DeviceQuery): Promise<void> => {
    query = next;
    requestNumber += 1;
    const thisRequest = requestNumber;
    try {
      const page = await context.api.listDevices(next);
      if (thisRequest !== requestNumber) return;
      replaceChildren(errorArea);
      table.show(page.items, next.sort, next.order);
      // One request for the page's rows; a failure shows in the slots, not as the page's error.
      void fillAlertBadges(context.api, table.element);
      const first = page.total === 0 ? 0 : next.offset + 1;
      summary.textContent = `${first}–${next.offset + page.items.length} of ${page.total} devices`;
      previousButton.disabled = next.offset === 0;
      nextButton.disabled = next.offset + page.items.length >= page.total;
    } catch (error) {
      if (thisRequest === requestNumber) replaceChildren(errorArea, errorBox(error));
    }
  };

  let searchTimer: number | undefined;
  searchInput.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void load({ ...query, search: searchInput.value.trim(), offset: 0 }), SEARCH_DEBOUNCE_MS);
  });
  disposables.add(() => window.clearTimeout(searchTimer));
  statusSelect.addEventListener('change', () => {
    const status = DEVICE_STATUSES.find((candidate): candidate is DeviceStatus => candidate === statusSelect.value) ?? null;
    void load({ ...query, status, offset: 0 });
  });
  siteSelect.addEventListener('change', () => void load({ ...query, siteId: siteSelect.value === '' ? null : Number(siteSelect.value), offset: 0 }));
  tagSelect.addEventListener('change', () => void load({ ...query, tag: tagSelect.value === '' ? null : tagSelect.value, offset: 0 }));
  // The filters' choices; a failure leaves them at "All" (the table still works).
  void Promise.allSettled([context.api.sites.list('', SITES_IN_FILTER, 0), context.api.equipment.listTags('device')]).then(([sites, tags]) => {
    if (sites.status === 'fulfilled') for (const site of sites.value.items) siteSelect.appendChild(el('option', { value: String(site.id) }, site.name));
    if (tags.status === 'fulfilled') for (const { tag } of tags.value) tagSelect.appendChild(el('option', { value: tag }, tag));
  });
  previousButton.addEventListener('click', () => void load({ ...query, offset: Math.max(0, query.offset - PAGE_SIZE) }));
  nextButton.addEventListener('click', () => void load({ ...query, offset: query.offset + PAGE_SIZE }));

  disposables.add(context.events.on('device-seen', (event) => table.markSeen(event.deviceId, event.at)));
  const poller = startPeriodicRefresh(() => load(query), REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  void load(query);

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Devices')),
    el(
      'section',
      { class: 'card' },
      el(
        'div',
        { class: 'toolbar', role: 'search' },
        labeledField('Search', searchInput),
        labeledField('Status', statusSelect),
        labeledField('Site', siteSelect),
        labeledField('Tag', tagSelect),
        el('div', { class: 'toolbar-spacer' }),
        summary,
        previousButton,
        nextButton,
      ),
      errorArea,
      el('div', { class: 'table-scroll' }, table.element),
    ),
    createAddDeviceForm(context.api, () => void load(query)),
  );
  return { element, dispose: () => disposables.disposeAll() };
}

/** Clicking the sorted column flips the order; a new column starts ascending, except counts and times. */
function nextOrder(query: DeviceQuery, sort: DeviceSortKey): 'asc' | 'desc' {
  if (query.sort === sort) return query.order === 'asc' ? 'desc' : 'asc';
  return sort === 'id' || sort === 'name' ? 'asc' : 'desc';
}
