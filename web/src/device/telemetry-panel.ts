// Live charts of every numeric heartbeat field of the CWM and its OKEs, over a chosen time range.
import type { ApiClient } from '../api-client.js';
import type { OriginFields, TelemetrySeries } from '../api-model.js';
import { createTelemetryChart, type TelemetryChart } from '../charts/telemetry-chart.js';
import { runWithConcurrency } from '../concurrency-limit.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { describeError, errorBox } from '../error-message.js';
import { DEFAULT_TIME_RANGE, TIME_RANGES, windowEndingNow, type TimeRange } from './time-range.js';

/** Enough buckets for a smooth line at chart width, few enough to keep the answers small. */
const POINTS_PER_CHART = 200;
const MAX_PARALLEL_REQUESTS = 6;

export interface TelemetryPanel {
  readonly element: HTMLElement;
  readonly refresh: () => Promise<void>;
  readonly destroy: () => void;
}

export function createTelemetryPanel(api: ApiClient, cwmId: string, onRangeChange: () => void): TelemetryPanel {
  let range: TimeRange = DEFAULT_TIME_RANGE;
  const charts = new Map<string, TelemetryChart>();
  let layoutKey = '';
  const chartsArea = el('div', { class: 'telemetry-origins' });
  const errorArea = el('div');
  const csvLink = el('a', { download: true }, 'CSV');
  const ndjsonLink = el('a', { download: true }, 'NDJSON');
  const sourceNote = el('p', { class: 'muted small', 'data-testid': 'telemetry-source' });

  const picker = el('fieldset', { class: 'segmented' }, el('legend', { class: 'visually-hidden' }, 'Time range'));
  const pickerName = uniqueId('range');
  for (const option of TIME_RANGES) {
    const radio = el('input', { type: 'radio', name: pickerName, value: option.key, id: `${pickerName}-${option.key}`, checked: option.key === range.key });
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      range = option;
      onRangeChange();
    });
    picker.appendChild(el('label', { for: radio.id }, radio, el('span', {}, option.label)));
  }

  const element = el(
    'section',
    { class: 'card', id: 'telemetry', 'aria-labelledby': 'telemetry-title' },
    el(
      'div',
      { class: 'card-header' },
      el('h2', { id: 'telemetry-title' }, 'Telemetry'),
      el('span', { class: 'muted small' }, 'Time range'),
      picker,
      el('div', { class: 'toolbar-spacer' }),
      el('span', { class: 'small' }, 'Raw OKMs in this range: ', csvLink, ' · ', ndjsonLink),
    ),
    sourceNote,
    errorArea,
    chartsArea,
  );

  const rebuildCharts = (origins: readonly OriginFields[]): void => {
    const key = JSON.stringify(origins.map((origin) => [origin.deviceId, origin.numericFields]));
    if (key === layoutKey) return;
    layoutKey = key;
    for (const chart of charts.values()) chart.destroy();
    charts.clear();
    const sections = origins.map((origin) => {
      const grid = el('div', { class: 'chart-grid' });
      for (const field of origin.numericFields) {
        const chart = createTelemetryChart(origin.deviceId, field);
        charts.set(chartKey(origin.deviceId, field), chart);
        grid.appendChild(chart.element);
      }
      const kind = origin.deviceId === cwmId ? 'CWM' : 'OKE';
      return el(
        'div',
        { class: 'telemetry-origin' },
        el('h3', {}, `${kind} `, el('span', { class: 'mono' }, origin.deviceId)),
        origin.numericFields.length === 0 ? el('p', { class: 'muted' }, 'No numeric fields.') : grid,
      );
    });
    replaceChildren(chartsArea, ...sections);
    if (origins.length === 0) chartsArea.appendChild(el('p', { class: 'muted' }, 'No telemetry received yet.'));
  };

  const refresh = async (): Promise<void> => {
    const timeWindow = windowEndingNow(range);
    csvLink.href = api.okmExportUrl(cwmId, timeWindow.from, timeWindow.to, 'csv');
    ndjsonLink.href = api.okmExportUrl(cwmId, timeWindow.from, timeWindow.to, 'ndjson');
    let origins: OriginFields[];
    try {
      origins = await api.getFields(cwmId);
      replaceChildren(errorArea);
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
      return;
    }
    rebuildCharts(origins);
    const failures: string[] = [];
    let described = false;
    const tasks = origins.flatMap((origin) =>
      origin.numericFields.map((field) => async () => {
        const chart = charts.get(chartKey(origin.deviceId, field));
        if (chart === undefined) return;
        try {
          const series = await api.getTelemetry({ deviceId: cwmId, origin: origin.deviceId, field, ...timeWindow, points: POINTS_PER_CHART });
          chart.show(series, timeWindow.from.getTime(), timeWindow.to.getTime());
          if (!described) {
            described = true;
            sourceNote.textContent = describeSeries(series);
          }
        } catch (error) {
          failures.push(`${origin.deviceId} ${field}: ${describeError(error)}`);
        }
      }),
    );
    await runWithConcurrency(tasks, MAX_PARALLEL_REQUESTS);
    if (failures.length > 0) replaceChildren(errorArea, errorBox(new Error(`Some charts could not be loaded. ${failures.join('; ')}`)));
  };

  return {
    element,
    refresh,
    destroy: () => {
      for (const chart of charts.values()) chart.destroy();
      charts.clear();
    },
  };
}

/** "Min, average and max per 2 h, from hourly rollups": what each point of the charts stands for. */
function describeSeries(series: TelemetrySeries): string {
  const from = series.source === 'raw' ? 'from the raw OKMs' : series.source === 'minute' ? 'from per-minute rollups' : 'from hourly rollups';
  return `Min, average and max per ${describeSeconds(series.bucketS)}, ${from}.`;
}

function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Math.round(seconds)} s`;
}

function chartKey(originId: string, field: string): string {
  return `${originId}\u0000${field}`;
}
