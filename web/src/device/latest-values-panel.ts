// The latest heartbeat fields of the CWM and of each OKE, updated live from `telemetry` events.
import type { OriginState, TelemetryEvent } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { describeMoment } from '../time-format.js';
import { compactJson } from './json-view.js';

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

export function createLatestValuesPanel(): LatestValuesPanel {
  const content = el('div', { class: 'origin-grid' });
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'latest-title' },
    el('h2', { id: 'latest-title' }, 'Latest values'),
    content,
  );
  let origins: OriginView[] = [];

  const render = (): void => {
    if (origins.length === 0) {
      replaceChildren(content, el('p', { class: 'muted' }, 'No heartbeat received yet.'));
      return;
    }
    replaceChildren(content, ...origins.map(renderOrigin));
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

function renderOrigin(origin: OriginView): HTMLElement {
  const heartbeat = describeMoment(origin.lastHeartbeatAt);
  const rows = Object.entries(origin.fields)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) =>
      el('tr', {}, el('th', { scope: 'row', class: 'mono' }, name), el('td', { class: typeof value === 'number' ? 'numeric mono' : 'mono' }, compactJson(value))),
    );
  return el(
    'div',
    { class: 'origin-card' },
    el(
      'h3',
      {},
      origin.isCwm ? 'CWM ' : 'OKE ',
      el('span', { class: 'mono' }, origin.deviceId),
    ),
    el('p', { class: 'muted small', title: heartbeat.title }, `Heartbeat ${heartbeat.text}`),
    rows.length === 0 ? el('p', { class: 'muted' }, 'No fields.') : el('table', { class: 'data-table compact' }, el('tbody', {}, ...rows)),
  );
}
