// One uPlot chart of one heartbeat field of one origin: the bucket average, with the min-max range as a band.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TelemetrySeries } from '../api-model.js';
import { el } from '../dom-builder.js';
import { fitChartToContainer } from './chart-resizer.js';
import { CHART_COLORS, TIME_SERIES, chartAxes, formatChartValue } from './chart-theme.js';

const CHART_HEIGHT_PX = 180;

export interface TelemetryChart {
  readonly element: HTMLElement;
  /** Shows the series on a fixed x range, so all charts of a device line up. */
  readonly show: (series: TelemetrySeries, fromMs: number, toMs: number) => void;
  readonly destroy: () => void;
}

export function createTelemetryChart(originId: string, field: string): TelemetryChart {
  const plotArea = el('div', { class: 'chart-plot' });
  const emptyNote = el('p', { class: 'chart-empty muted', hidden: true }, 'No data in this range.');
  const element = el(
    'figure',
    { class: 'chart-card', 'aria-label': `${field} of ${originId}` },
    el('figcaption', {}, el('strong', {}, field), ' ', el('span', { class: 'muted mono' }, originId)),
    plotArea,
    emptyNote,
  );

  let xRange: [number, number] = [0, 1];
  const options: uPlot.Options = {
    width: 400,
    height: CHART_HEIGHT_PX,
    scales: { x: { time: true, range: () => xRange } },
    axes: chartAxes(),
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      TIME_SERIES,
      { label: 'avg', stroke: CHART_COLORS.line, width: 2, spanGaps: false, value: (_u, v) => formatChartValue(v) },
      { label: 'min', stroke: CHART_COLORS.edge, width: 1, value: (_u, v) => formatChartValue(v) },
      { label: 'max', stroke: CHART_COLORS.edge, width: 1, value: (_u, v) => formatChartValue(v) },
    ],
    bands: [{ series: [3, 2], fill: CHART_COLORS.band }],
  };
  const chart = new uPlot(options, [[], [], [], []], plotArea);
  const stopResizing = fitChartToContainer(chart, plotArea, CHART_HEIGHT_PX);

  return {
    element,
    show: (series, fromMs, toMs) => {
      xRange = [fromMs / 1000, toMs / 1000];
      const times: number[] = [];
      const averages: (number | null)[] = [];
      const minimums: (number | null)[] = [];
      const maximums: (number | null)[] = [];
      for (const bucket of series.points) {
        times.push(new Date(bucket.t).getTime() / 1000);
        averages.push(bucket.avg);
        minimums.push(bucket.min);
        maximums.push(bucket.max);
      }
      emptyNote.hidden = series.points.some((bucket) => bucket.n > 0);
      chart.setData([times, averages, minimums, maximums]);
    },
    destroy: () => {
      stopResizing();
      chart.destroy();
    },
  };
}
