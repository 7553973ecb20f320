// The latest heartbeat fields of the CWM and of each OKE, updated live from `telemetry` events, read with each
// origin's model (issue 15): the dictionary's label and the decoded value with its unit, the raw value beside it;
// fields the dictionary does not know, or origins without a model, raw. Decoded here with the domain's own
// decodeLatestValues, so a live event needs no request; a model is fetched once per page.
import type { EquipmentModel } from '../../../src/domain/equipment-model/data-dictionary.js';
import { decodeLatestValues } from '../../../src/domain/equipment/decoded-values.js';
import { modelIdOfOrigin } from '../../../src/domain/equipment/equipment-model-of.js';
import type { OriginState, TelemetryEvent } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { decodedValueView } from '../equipment/decoded-value-view.js';
import { equipmentHref } from '../routes.js';
import { describeMoment } from '../time-format.js';
import { compactJson } from './json-view.js';

/** The model of an id, null when none is defined (or it could not be read: the values then show raw). */
export type ModelLoader = (modelId: string) => Promise<EquipmentModel | null>;

export interface LatestValuesPanel {
  readonly element: HTMLElement;
  readonly show: (states: readonly OriginState[]) => void;
  readonly applyEvent: (event: TelemetryEvent) => void;
}

interface OriginView {
  readonly deviceId: string;
  readonly isCwm: boolean;
  lastHeartbeatAt: string | null;
  fields: Record<string, unknown>;
}

export function createLatestValuesPanel(cwmId: string, loadModel: ModelLoader): LatestValuesPanel {
  const content = el('div', { class: 'origin-grid' });
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'latest-title' },
    el('h2', { id: 'latest-title' }, 'Latest values'),
    content,
  );
  let origins: OriginView[] = [];
  const models = new Map<string, EquipmentModel | null>();
  const requested = new Set<string>();

  const render = (): void => {
    if (origins.length === 0) {
      replaceChildren(content, el('p', { class: 'muted' }, 'No heartbeat received yet.'));
      return;
    }
    for (const origin of origins) {
      const modelId = modelIdOfOrigin(origin.deviceId, cwmId);
      if (modelId === null || requested.has(modelId)) continue;
      requested.add(modelId);
      void loadModel(modelId).then((model) => {
        models.set(modelId, model);
        if (model !== null) render();
      });
    }
    replaceChildren(content, ...origins.map((origin) => renderOrigin(origin, models.get(modelIdOfOrigin(origin.deviceId, cwmId) ?? '') ?? null)));
  };

  return {
    element,
    show: (states) => {
      origins = states.map((state) => ({
        deviceId: state.deviceId,
        isCwm: state.isCwm,
        lastHeartbeatAt: state.lastHeartbeatAt,
        fields: { ...state.fields },
      }));
      // The CWM first, then its OKEs in id order, so the layout does not jump between refreshes.
      origins.sort((a, b) => Number(b.isCwm) - Number(a.isCwm) || a.deviceId.localeCompare(b.deviceId));
      render();
    },
    applyEvent: (event) => {
      const origin = origins.find((candidate) => candidate.deviceId === event.originId);
      if (origin === undefined) {
        origins.push({ deviceId: event.originId, isCwm: event.originId === event.cwmId, lastHeartbeatAt: event.at, fields: { ...event.fields } });
      } else {
        origin.fields = { ...origin.fields, ...event.fields };
        origin.lastHeartbeatAt = event.at;
      }
      render();
    },
  };
}

function renderOrigin(origin: OriginView, model: EquipmentModel | null): HTMLElement {
  const heartbeat = describeMoment(origin.lastHeartbeatAt);
  const rows = decodeLatestValues(model, origin.fields).map((value) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row', title: value.key }, value.label ?? el('span', { class: 'mono' }, value.key)),
      el('td', { class: typeof value.value === 'number' ? 'numeric' : undefined }, value.label === null ? el('span', { class: 'mono' }, compactJson(value.raw)) : decodedValueView(value)),
      // The raw value beside a decoded one, as sent.
      el('td', { class: 'mono muted small' }, value.label === null || value.isMismatch ? '' : compactJson(value.raw)),
    ),
  );
  return el(
    'div',
    { class: 'origin-card' },
    el(
      'h3',
      {},
      origin.isCwm ? 'CWM ' : 'OKE ',
      el('a', { class: 'mono', href: equipmentHref(origin.deviceId), title: 'Its equipment page: every value decoded, nameplate, charts' }, origin.deviceId),
    ),
    el('p', { class: 'muted small', title: heartbeat.title }, `${model === null ? '' : `${model.name} · `}Heartbeat ${heartbeat.text}`),
    rows.length === 0 ? el('p', { class: 'muted' }, 'No fields.') : el('table', { class: 'data-table compact' }, el('tbody', {}, ...rows)),
  );
}
