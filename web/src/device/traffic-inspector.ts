// The raw traffic of one CWM: every request with its answer and the HMAC and CRC verdicts, expandable in full.
import type { ApiClient } from '../api-client.js';
import type { TrafficEntry } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { badge, httpStatusBadge } from '../status-badge.js';
import { formatTimestamp } from '../time-format.js';
import { compactJson, jsonBlock } from './json-view.js';

const TRAFFIC_LIMIT = 100;

export interface TrafficInspector {
  readonly element: HTMLElement;
  readonly refresh: () => Promise<void>;
  /** Whether the operator wants the list kept current; off while reading an old request. */
  readonly isLive: () => boolean;
}

export function createTrafficInspector(api: ApiClient, cwmId: string): TrafficInspector {
  const list = el('div', { class: 'traffic-list' });
  const errorArea = el('div');
  const refreshButton = el('button', { type: 'button' }, 'Refresh');
  const liveToggle = el('input', { type: 'checkbox', id: 'traffic-live', checked: true });
  /** Expanded entries stay expanded across refreshes. */
  const expandedIds = new Set<TrafficEntry['id']>();

  const element = el(
    'section',
    { class: 'card', id: 'traffic', 'aria-labelledby': 'traffic-title' },
    el(
      'div',
      { class: 'card-header' },
      el('h2', { id: 'traffic-title' }, 'Raw traffic'),
      el('span', { class: 'muted small' }, `Last ${TRAFFIC_LIMIT} requests, newest first`),
      el('div', { class: 'toolbar-spacer' }),
      el('label', { class: 'checkbox-label', for: 'traffic-live' }, liveToggle, ' Live'),
      refreshButton,
    ),
    errorArea,
    list,
  );

  const renderEntry = (entry: TrafficEntry): HTMLDetailsElement => {
    const details = el(
      'details',
      { class: 'traffic-entry', open: expandedIds.has(entry.id) },
      el(
        'summary',
        {},
        el('span', { class: 'nowrap traffic-time' }, formatTimestamp(entry.receivedAt)),
        el('span', { class: 'mono traffic-method' }, entry.method),
        el('span', { class: 'mono traffic-url', title: entry.url }, entry.url),
        httpStatusBadge(entry.status),
        el('span', { class: 'mono small traffic-answer', title: compactJson(entry.response) }, compactJson(entry.response)),
        verdictBadge('HMAC', entry.signatureVerdict),
        verdictBadge('CRC', entry.crcVerdict),
        entry.errorCode === null ? el('span') : badge(entry.errorCode, 'bad'),
      ),
      el(
        'div',
        { class: 'traffic-detail' },
        el(
          'dl',
          { class: 'facts' },
          fact('Received', formatTimestamp(entry.receivedAt)),
          fact('Remote address', entry.remoteAddress ?? '-'),
          fact('Device', entry.deviceId ?? '-'),
          fact('Claimed device', entry.claimedDeviceId ?? '-'),
          fact('Duration', entry.durationMs === null ? '-' : `${entry.durationMs.toFixed(1)} ms`),
          fact('Error code', entry.errorCode ?? '-'),
        ),
        el('h4', {}, 'Request headers'),
        headersTable(entry.headers),
        el('h4', {}, 'Request body'),
        jsonBlock(entry.body, 'Request body'),
        el('h4', {}, 'Answer'),
        jsonBlock(entry.response, 'Answer'),
      ),
    );
    details.addEventListener('toggle', () => {
      if (details.open) expandedIds.add(entry.id);
      else expandedIds.delete(entry.id);
    });
    return details;
  };

  const refresh = async (): Promise<void> => {
    try {
      const entries = await api.listTraffic(cwmId, TRAFFIC_LIMIT);
      replaceChildren(errorArea);
      // The API lists oldest first; operators look for the latest request, so it goes on top.
      const newestFirst = [...entries].reverse();
      replaceChildren(list, ...newestFirst.map(renderEntry));
      if (entries.length === 0) list.appendChild(el('p', { class: 'muted' }, 'No requests recorded for this device.'));
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };
  refreshButton.addEventListener('click', () => void refresh());

  return { element, refresh, isLive: () => liveToggle.checked };
}

function verdictBadge(label: string, verdict: string | null): HTMLElement {
  const text = `${label} ${verdict ?? '-'}`;
  return badge(text, verdict === null ? 'neutral' : (badgeToneFor(verdict)), `${label} verdict: ${verdict ?? 'none'}`);
}

function badgeToneFor(verdict: string): 'good' | 'bad' | 'warn' | 'neutral' {
  if (verdict === 'valid') return 'good';
  if (verdict === 'not-checked') return 'neutral';
  if (verdict === 'missing') return 'warn';
  return 'bad';
}

function fact(term: string, value: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(el('dt', {}, term), el('dd', { class: 'mono' }, value));
  return fragment;
}

function headersTable(headers: unknown): HTMLElement {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return jsonBlock(headers, 'Request headers');
  const rows = Object.entries(headers).map(([name, value]) =>
    el('tr', {}, el('th', { scope: 'row', class: 'mono' }, name), el('td', { class: 'mono' }, Array.isArray(value) ? value.join(', ') : String(value))),
  );
  return el('table', { class: 'data-table headers-table' }, el('tbody', {}, ...rows));
}
