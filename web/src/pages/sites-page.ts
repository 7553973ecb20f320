// Sites: the table (searched and paged by the server), a create/edit form, and delete with confirmation.
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { createSiteForm } from '../sites/site-form.js';
import { createSiteTable } from '../sites/site-table.js';

const PAGE_SIZE = 50;
const SEARCH_DEBOUNCE_MS = 250;

export function createSitesPage(context: PageContext): Page {
  const { api } = context;
  const disposables = new Disposables();
  let search = '';
  let offset = 0;
  let requestNumber = 0;
  const searchInput = el('input', { type: 'search', name: 'search', placeholder: 'Name or address', autocomplete: 'off' });
  const summary = el('span', { class: 'muted', 'aria-live': 'polite' });
  const previousButton = el('button', { type: 'button' }, 'Previous');
  const nextButton = el('button', { type: 'button' }, 'Next');
  const errorArea = el('div');

  const load = async (): Promise<void> => {
    requestNumber += 1;
    const thisRequest = requestNumber;
    try {
      const page = await api.sites.list(search, PAGE_SIZE, offset);
      if (thisRequest !== requestNumber) return;
      replaceChildren(errorArea);
      table.show(page.items);
      const first = page.total === 0 ? 0 : offset + 1;
      summary.textContent = `${first}–${offset + page.items.length} of ${page.total} sites`;
      previousButton.disabled = offset === 0;
      nextButton.disabled = offset + page.items.length >= page.total;
    } catch (error) {
      if (thisRequest === requestNumber) replaceChildren(errorArea, errorBox(error));
    }
  };

  const form = createSiteForm({
    save: (siteId, input) => (siteId === null ? api.sites.create(input) : api.sites.update(siteId, input)),
    onSaved: () => void load(),
  });
  const table = createSiteTable({
    onEdit: (site) => {
      form.edit(site);
      form.element.scrollIntoView({ block: 'nearest' });
    },
    onDelete: (site) => {
      const atSite = site.cwmCount === 0 ? '' : ` Its ${site.cwmCount} CWM(s) will be at no site.`;
      if (!window.confirm(`Delete the site ${site.name}?${atSite}`)) return;
      api.sites
        .remove(site.id)
        .then(() => load())
        .catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
    },
  });

  let searchTimer: number | undefined;
  searchInput.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      search = searchInput.value.trim();
      offset = 0;
      void load();
    }, SEARCH_DEBOUNCE_MS);
  });
  disposables.add(() => window.clearTimeout(searchTimer));
  previousButton.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  });
  nextButton.addEventListener('click', () => {
    offset += PAGE_SIZE;
    void load();
  });
  void load();

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Sites')),
    el(
      'div',
      { class: 'two-columns' },
      el(
        'section',
        { class: 'card' },
        el('div', { class: 'toolbar', role: 'search' }, labeledField('Search', searchInput), el('div', { class: 'toolbar-spacer' }), summary, previousButton, nextButton),
        errorArea,
        el('div', { class: 'table-scroll' }, table.element),
      ),
      form.element,
    ),
  );
  return { element, dispose: () => disposables.disposeAll() };
}
