// Charts of an equipment's numeric telemetry fields, decoded with its model: the y-axis says "Label (unit)",
// HACCP fields come first and are highlighted. The series come from its CWM's telemetry (origin = the equipment).
import type { ApiClient } from '../api-client.js';
import type { DecodedValue } from '../api-model.js';
import { createTelemetryChart, type TelemetryChart } from '../charts/telemetry-chart.js';
import { runWithConcurrency } from '../concurrency-limit.js';
import { DEFAULT_TIME_RANGE, TIME_RANGES, windowEndingNow, type TimeRange } from '../device/time-range.js';
import { el, replaceChildren } from '../dom-builder.js';
import { describeError, errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';

const POINTS_PER_CHART = 200;
const MAX_PARALLEL_REQUESTS = 4;

export interface EquipmentCharts {
  readonly element: HTMLElement;
  /** Charts the numeric telemetry fields among `values`, read through `cwmId`. */
  readonly show: (cwmId: string, values: readonly DecodedValue[]) => void;
  readonly refresh: () => Promise<void>;
  readonly destroy: () => void;
}

export function createEquipmentCharts(api: ApiClient, equipmentId: string): EquipmentCharts {
  let range: TimeRange = DEFAULT_TIME_RANGE;
  let cwmId: string | null = null;
  let layoutKey = '';
  const charts = new Map<string, TelemetryChart>();
  const grid = el('div', { class: 'chart-grid' });
  const errorArea = el('div');
  const rangeSelect = selectOf('range', TIME_RANGES.map((option) => [option.key, option.label] as const), range.key);
  const element = el(
    'section',
    { class: 'card', id: 'charts', 'aria-labelledby': 'charts-title' },
    el('div', { class: 'card-header' }, el('h2', { id: 'charts-title' }, 'Telemetry charts'), el('div', { class: 'toolbar-spacer' }), labeledField('Time range', rangeSelect)),
    errorArea,
    grid,
  );

  const refresh = async (): Promise<void> => {
    const through = cwmId;
    if (through === null || charts.size === 0) return;
    const timeWindow = windowEndingNow(range);
    const failures: string[] = [];
    const tasks = [...charts].map(([field, chart]) => async () => {
      try {
        chart.show(await api.getTelemetry({ deviceId: through, origin: equipmentId, field, ...timeWindow, points: POINTS_PER_CHART }), timeWindow.from.getTime(), timeWindow.to.getTime());
      } catch (error) {
        failures.push(`${field}: ${describeError(error)}`);
      }
    });
    await runWithConcurrency(tasks, MAX_PARALLEL_REQUESTS);
    replaceChildren(errorArea, failures.length === 0 ? null : errorBox(new Error(`Some charts could not be loaded. ${failures.join('; ')}`)));
  };

  rangeSelect.addEventListener('change', () => {
    range = TIME_RANGES.find((option) => option.key === rangeSelect.value) ?? DEFAULT_TIME_RANGE;
    void refresh();
  });

  const destroyCharts = (): void => {
    for (const chart of charts.values()) chart.destroy();
    charts.clear();
  };

  return {
    element,
    show: (nextCwmId, values) => {
      const fields = values
        .filter((value) => value.fieldClass === 'telemetry' && value.fieldType === 'number')
        .sort((a, b) => Number(b.isHaccp) - Number(a.isHaccp));
      const key = JSON.stringify([nextCwmId, fields.map((value) => [value.key, value.label, value.unitSymbol, value.isHaccp])]);
      cwmId = nextCwmId;
      if (key === layoutKey) return;
      layoutKey = key;
      destroyCharts();
      for (const value of fields) {
        const chart = createTelemetryChart(equipmentId, value.key, { label: value.label ?? value.key, unitSymbol: value.unitSymbol, isHaccp: value.isHaccp });
        charts.set(value.key, chart);
      }
      replaceChildren(grid, ...[...charts.values()].map((chart) => chart.element));
      if (fields.length === 0) grid.appendChild(el('p', { class: 'muted' }, 'No numeric telemetry fields in the dictionary of this model.'));
      void refresh();
    },
    refresh,
    destroy: destroyCharts,
  };
}
