// One equipment: its header, tags, nameplate, telemetry and settings decoded with its model (raw beside),
// fields the dictionary does not know, charts of its numeric telemetry, its CWM history and model mismatches.
import type { EquipmentDetail } from '../api-model.js';
import { compactJson } from '../device/json-view.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createEquipmentCharts } from '../equipment/equipment-charts.js';
import { createEquipmentHeader } from '../equipment/equipment-header.js';
import { createTagsEditor } from '../equipment/tags-editor.js';
import { createUnknownFieldsSection, createValuesSection } from '../equipment/values-section.js';
import { errorBox } from '../error-message.js';
import { deviceHref, routeHash } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { describeMoment } from '../time-format.js';

const REFRESH_INTERVAL_MS = 10_000;

export function createEquipmentItemPage(context: PageContext, equipmentId: string): Page {
  const { api } = context;
  const disposables = new Disposables();
  const errorArea = el('div');
  const header = createEquipmentHeader(equipmentId);
  const tags = createTagsEditor((next) => api.equipment.setTags(equipmentId, next));
  const nameplate = createValuesSection('nameplate', 'Nameplate', 'No nameplate values received.');
  const telemetry = createValuesSection('telemetry-values', 'Telemetry', 'No telemetry values received.');
  const settings = createValuesSection('settings', 'Settings', 'No settings received.');
  const events = createValuesSection('events', 'Event counts', 'No event counts received.');
  const unknownFields = createUnknownFieldsSection();
  const charts = createEquipmentCharts(api, equipmentId);
  disposables.add(charts.destroy);
  const cwmLink = el('p', {});
  const history = el('div');
  const mismatches = el('div');

  const show = (detail: EquipmentDetail): void => {
    header.show(detail);
    tags.show(detail.tags);
    const ofClass = (fieldClass: string) => detail.values.filter((value) => value.fieldClass === fieldClass);
    nameplate.show(ofClass('nameplate'));
    telemetry.show(ofClass('telemetry'));
    settings.show(ofClass('setting'));
    events.show(ofClass('event'));
    events.element.hidden = ofClass('event').length === 0;
    unknownFields.show(detail.values.filter((value) => value.label === null));
    charts.show(detail.cwmId, detail.values);
    replaceChildren(cwmLink, 'Behind ', el('a', { href: deviceHref(detail.cwmId), class: 'mono' }, `CWM ${detail.cwmId}`), ': its device page has its raw traffic, messages and files.');
    replaceChildren(history, renderHistory(detail));
    replaceChildren(mismatches, renderMismatches(detail));
  };

  const refresh = async (): Promise<void> => {
    try {
      show(await api.equipment.get(equipmentId));
      replaceChildren(errorArea);
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };
  const poller = startPeriodicRefresh(refresh, REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  poller.runNow();

  const element = el(
    'main',
    { class: 'page equipment-page' },
    el('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: routeHash({ name: 'equipment' }) }, 'Equipment'), ' / ', el('span', { class: 'mono' }, equipmentId)),
    errorArea,
    header.element,
    telemetry.element,
    el('div', { class: 'two-columns' }, el('div', { class: 'stack' }, nameplate.element, settings.element), el('div', { class: 'stack' }, tags.element, el('section', { class: 'card', 'aria-labelledby': 'cwm-title' }, el('h2', { id: 'cwm-title' }, 'CWM'), cwmLink, history), mismatches)),
    events.element,
    unknownFields.element,
    charts.element,
  );
  return { element, dispose: () => disposables.disposeAll() };
}

function renderHistory(detail: EquipmentDetail): HTMLElement {
  if (detail.cwmHistory.length === 0) return el('p', { class: 'muted' }, 'No CWM history.');
  return el(
    'table',
    { class: 'data-table compact', 'aria-label': 'CWM history' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Behind CWM'), el('th', { scope: 'col' }, 'Since'))),
    el(
      'tbody',
      {},
      ...detail.cwmHistory.map((entry) => {
        const since = describeMoment(entry.since);
        return el('tr', {}, el('td', {}, el('a', { href: deviceHref(entry.cwmId), class: 'mono' }, entry.cwmId)), el('td', { title: since.title }, since.text));
      }),
    ),
  );
}

/** Values of this model that did not fit its dictionary: a sign the dictionary (or the device) is wrong. */
function renderMismatches(detail: EquipmentDetail): HTMLElement | null {
  if (detail.modelMismatches.length === 0) return null;
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'mismatches-title' },
    el('h2', { id: 'mismatches-title' }, `Values of model ${detail.modelId ?? ''} that did not fit`),
    el('p', { class: 'muted small' }, 'From any equipment of this model, on this node since it started.'),
    el(
      'table',
      { class: 'data-table compact' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col', class: 'numeric' }, 'Count'), el('th', { scope: 'col' }, 'Last raw'), el('th', { scope: 'col' }, 'From'))),
      el(
        'tbody',
        {},
        ...detail.modelMismatches.map((entry) =>
          el('tr', {}, el('td', { class: 'mono' }, entry.key), el('td', { class: 'numeric' }, entry.count), el('td', { class: 'mono' }, compactJson(entry.lastRaw)), el('td', { class: 'mono' }, entry.lastOriginId)),
        ),
      ),
    ),
  );
}
