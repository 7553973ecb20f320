// The equipment list: server-side search, model, site, tag and status filters, sort and paging.
import type { SortOrder } from '../api-client.js';
import type { EquipmentQuery, EquipmentSortKey } from '../api/equipment-api.js';
import { EQUIPMENT_STATUSES, type EquipmentStatus } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createEquipmentTable } from '../equipment/equipment-table.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { navigate } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { fillAlertBadges } from '../alerts/row-alert-badges.js';

const PAGE_SIZE = 50;
const REFRESH_INTERVAL_MS = 10_000;
const SEARCH_DEBOUNCE_MS = 250;
/** Sites offered in the filter: one page of them; a larger estate narrows with the search instead. */
const SITES_IN_FILTER = 500;

export function createEquipmentPage(context: PageContext): Page {
  const { api } = context;
  const disposables = new Disposables();
  let query: EquipmentQuery = { search: '', modelId: null, siteId: null, tag: null, status: null, sort: 'id', order: 'asc', limit: PAGE_SIZE, offset: 0 };
  /** Drops answers to superseded queries, so a slow old search never overwrites a newer one. */
  let requestNumber = 0;

  const searchInput = el('input', { type: 'search', name: 'search', placeholder: 'Equipment id', autocomplete: 'off' });
  const modelSelect = selectOf('model', [['', 'All']], '');
  const siteSelect = selectOf('site', [['', 'All']], '');
  const tagSelect = selectOf('tag', [['', 'All']], '');
  const statusSelect = selectOf('status', [['', 'All'], ...EQUIPMENT_STATUSES.map((status) => [status, status] as const)], '');
  const summary = el('span', { class: 'muted', 'aria-live': 'polite' });
  const previousButton = el('button', { type: 'button' }, 'Previous');
  const nextButton = el('button', { type: 'button' }, 'Next');
  const errorArea = el('div');
  const table = createEquipmentTable({
    onSort: (sort) => void load({ ...query, sort, order: nextOrder(query, sort), offset: 0 }),
    onOpen: (equipmentId) => navigate({ name: 'equipment-item', equipmentId }),
  });

  const load = async (next: EquipmentQuery): Promise<void> => {
    query = next;
    requestNumber += 1;
    const thisRequest = requestNumber;
    try {
      const page = await api.equipment.list(next);
      if (thisRequest !== requestNumber) return;
      replaceChildren(errorArea);
      table.show(page.items, next.sort, next.order);
      // One request for the page's rows; a failure shows in the slots, not as the page's error.
      void fillAlertBadges(context.api, table.element);
      const first = page.total === 0 ? 0 : next.offset + 1;
      summary.textContent = `${first}–${next.offset + page.items.length} of ${page.total} equipment`;
      previousButton.disabled = next.offset === 0;
      nextButton.disabled = next.offset + page.items.length >= page.total;
    } catch (error) {
      if (thisRequest === requestNumber) replaceChildren(errorArea, errorBox(error));
    }
  };

  /** The filters' options come from the catalogs once; a failure leaves "All" and says why. */
  const fillFilters = async (): Promise<void> => {
    const [models, sites, tags] = await Promise.allSettled([api.models.list(), api.sites.list('', SITES_IN_FILTER, 0), api.equipment.listTags('equipment')]);
    if (models.status === 'fulfilled') {
      for (const model of models.value) modelSelect.appendChild(el('option', { value: model.modelId }, `${model.name} (${model.modelId})`));
    }
    if (sites.status === 'fulfilled') {
      for (const site of sites.value.items) siteSelect.appendChild(el('option', { value: String(site.id) }, site.name));
    }
    if (tags.status === 'fulfilled') {
      for (const tag of tags.value) tagSelect.appendChild(el('option', { value: tag.tag }, `${tag.tag} (${tag.count})`));
    }
    const failed = [models, sites, tags].find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) errorArea.appendChild(errorBox(failed.reason));
  };

  let searchTimer: number | undefined;
  searchInput.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void load({ ...query, search: searchInput.value.trim(), offset: 0 }), SEARCH_DEBOUNCE_MS);
  });
  disposables.add(() => window.clearTimeout(searchTimer));
  modelSelect.addEventListener('change', () => void load({ ...query, modelId: modelSelect.value === '' ? null : modelSelect.value, offset: 0 }));
  siteSelect.addEventListener('change', () => void load({ ...query, siteId: siteSelect.value === '' ? null : Number(siteSelect.value), offset: 0 }));
  tagSelect.addEventListener('change', () => void load({ ...query, tag: tagSelect.value === '' ? null : tagSelect.value, offset: 0 }));
  statusSelect.addEventListener('change', () => {
    const status = EQUIPMENT_STATUSES.find((candidate): candidate is EquipmentStatus => candidate === statusSelect.value) ?? null;
    void load({ ...query, status, offset: 0 });
  });
  previousButton.addEventListener('click', () => void load({ ...query, offset: Math.max(0, query.offset - PAGE_SIZE) }));
  nextButton.addEventListener('click', () => void load({ ...query, offset: query.offset + PAGE_SIZE }));

  const poller = startPeriodicRefresh(() => load(query), REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  void load(query);
  void fillFilters();

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Equipment')),
    el(
      'section',
      { class: 'card' },
      el(
        'div',
        { class: 'toolbar toolbar-wrap', role: 'search' },
        labeledField('Search', searchInput),
        labeledField('Model', modelSelect),
        labeledField('Site', siteSelect),
        labeledField('Tag', tagSelect),
        labeledField('Status', statusSelect),
        el('div', { class: 'toolbar-spacer' }),
        summary,
        previousButton,
        nextButton,
      ),
      errorArea,
      el('div', { class: 'table-scroll' }, table.element),
    ),
  );
  return { element, dispose: () => disposables.disposeAll() };
}

/** Clicking the sorted column flips the order; a new column starts ascending, except times (newest first). */
function nextOrder(query: EquipmentQuery, sort: EquipmentSortKey): SortOrder {
  if (query.sort === sort) return query.order === 'asc' ? 'desc' : 'asc';
  return sort === 'lastSeen' || sort === 'firstSeen' ? 'desc' : 'asc';
}
