// The equipment models: name, kind, maker, field count, version, who saved it, built-in, values that did not fit.
import type { ModelSummary } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { modelHref, navigate } from '../hash-router.js';
import type { Page, PageContext } from '../page.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

const COLUMNS = ['Model id', 'Name', 'Kind', 'Maker', 'Fields', 'Version', 'Saved', 'Mismatches'] as const;

export function createModelsPage(context: PageContext): Page {
  const body = el('tbody');
  const errorArea = el('div');
  const newButton = el('button', { type: 'button', class: 'primary' }, 'New model');
  newButton.addEventListener('click', () => navigate({ name: 'model', modelId: null }));

  const renderRow = (model: ModelSummary): HTMLTableRowElement => {
    const saved = describeMoment(model.savedAt);
    const row = el(
      'tr',
      { class: 'clickable' },
      el('td', {}, el('a', { href: modelHref(model.modelId), class: 'mono' }, model.modelId)),
      el('td', {}, model.name, model.isBuiltin ? el('span', {}, ' ', badge('built-in', 'info', 'Shipped with OpenTPS: it can be changed, not deleted')) : null),
      el('td', {}, model.kind),
      el('td', {}, model.maker),
      el('td', { class: 'numeric' }, model.fieldCount),
      el('td', { class: 'numeric' }, model.version),
      el('td', { title: saved.title }, `${saved.text} by ${model.savedBy}`),
      el('td', { class: 'numeric', title: 'Heartbeat values that did not fit this dictionary, on this node since it started' }, model.mismatchCount > 0 ? badge(String(model.mismatchCount), 'warn') : '0'),
    );
    row.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a') !== null) return;
      navigate({ name: 'model', modelId: model.modelId });
    });
    return row;
  };

  context.api.models
    .list()
    .then((models) => {
      replaceChildren(body, ...models.map(renderRow));
      if (models.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'muted empty-row' }, 'No models yet.')));
    })
    .catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Models'), el('div', { class: 'toolbar-spacer' }), newButton),
    el(
      'section',
      { class: 'card' },
      el('p', { class: 'muted' }, "Each model's data dictionary says how to read the heartbeat fields of its equipment: label, unit, scale, enum labels, HACCP."),
      errorArea,
      el(
        'div',
        { class: 'table-scroll' },
        el('table', { class: 'data-table models-table' }, el('thead', {}, el('tr', {}, ...COLUMNS.map((column) => el('th', { scope: 'col', class: column === 'Fields' || column === 'Version' || column === 'Mismatches' ? 'numeric' : undefined }, column)))), body),
      ),
    ),
  );
  return { element, dispose: () => undefined };
}
