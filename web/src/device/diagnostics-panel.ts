// The CWM's own diagnostics from its heartbeat: diag counters, serial port, interface, supply voltages.
import type { Diagnostics } from '../api-model.js';
import { readCwmDiagnostics, type CwmDiagnostics } from './cwm-diagnostics.js';
import { el, replaceChildren } from '../dom-builder.js';
import { badge } from '../status-badge.js';

/** PROTOCOL.md: the diag counters reset at boot. */
const DIAG_LABELS = ['OKM queue reads', 'Reads without _crc', 'Invalid _crc', 'Invalid JSON'] as const;
const QUEUE_LABELS = ['Telemetry', 'Priority', 'Inbound'] as const;

export interface DiagnosticsPanel {
  readonly element: HTMLElement;
  readonly show: (diagnostics: Diagnostics | null) => void;
}

export function createDiagnosticsPanel(): DiagnosticsPanel {
  const content = el('div');
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'diagnostics-title' },
    el('h2', { id: 'diagnostics-title' }, 'CWM diagnostics'),
    content,
  );
  return {
    element,
    show: (diagnostics) => {
      if (diagnostics === null) {
        replaceChildren(content, el('p', { class: 'muted' }, 'No CWM heartbeat received yet.'));
        return;
      }
      replaceChildren(content, renderDiagnostics(readCwmDiagnostics(diagnostics)));
    },
  };
}

function renderDiagnostics(diagnostics: CwmDiagnostics): HTMLElement {
  const counterRows = diagnostics.diag.map((count, index) => {
    const isProblem = index > 0 && count > 0;
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, DIAG_LABELS[index] ?? `diag[${index}]`),
      el('td', { class: 'numeric mono' }, isProblem ? badge(String(count), 'warn') : String(count)),
    );
  });
  const queueRows = diagnostics.queueCapacities.map((capacity, index) =>
    el('tr', {}, el('th', { scope: 'row' }, `${QUEUE_LABELS[index] ?? `Queue ${index}`} queue capacity`), el('td', { class: 'numeric mono' }, capacity)),
  );
  return el(
    'div',
    { class: 'diagnostics' },
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'OKE port'),
      el('dd', { class: 'mono' }, diagnostics.port ?? '-'),
      el('dt', {}, 'Baud'),
      el('dd', { class: 'mono' }, diagnostics.baud ?? '-'),
      el('dt', {}, 'Interface'),
      el('dd', { class: 'mono' }, diagnostics.iface ?? '-'),
      el('dt', {}, '5 V supply'),
      el('dd', { class: 'mono' }, formatMillivolts(diagnostics.supply5vMv)),
      el('dt', {}, '12 V supply'),
      el('dd', { class: 'mono' }, formatMillivolts(diagnostics.supply12vMv)),
      el('dt', {}, 'Internal temperature'),
      el('dd', { class: 'mono' }, diagnostics.internalTemperatureC === null ? '-' : `${diagnostics.internalTemperatureC} °C`),
    ),
    el('table', { class: 'data-table compact' }, el('caption', {}, 'Counters since boot'), el('tbody', {}, ...counterRows, ...queueRows)),
  );
}

/** The heartbeat reports supplies in millivolts. */
function formatMillivolts(millivolts: number | null): string {
  return millivolts === null ? '-' : `${(millivolts / 1000).toFixed(2)} V`;
}
