// One uPlot chart of one heartbeat field of one origin: the bucket average, with the min-max range as a band.
// When the origin's model describes the field, the chart plots the decoded values and labels its y-axis
// "Label (unit symbol)"; HACCP fields are highlighted. Without a dictionary field it plots the raw values.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TelemetrySeries } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { badge } from '../status-badge.js';
import { fitChartToContainer } from './chart-resizer.js';
import { CHART_COLORS, TIME_SERIES, chartAxes, formatChartValue } from './chart-theme.js';

const CHART_HEIGHT_PX = 180;
/** A chart with a y-axis label is taller, so the label (drawn along the axis, never wrapped) has room. */
const LABELLED_CHART_HEIGHT_PX = 220;
/** What fits along the y-axis of a labelled chart at 11 px; longer labels are cut (the caption has them whole). */
const MAX_AXIS_LABEL_CHARS = 30;

/** What the dictionary says of the charted field, as far as the chart needs it. */
export interface ChartFieldMeaning {
  readonly label: string;
  readonly unitSymbol: string | null;
  readonly isHaccp: boolean;
}

export interface TelemetryChart {
  readonly element: HTMLElement;
  /** Shows the series on a fixed x range, so all charts of a device line up. */
  readonly show: (series: TelemetrySeries, fromMs: number, toMs: number) => void;
  readonly destroy: () => void;
}

/** "Oil temperature (°C)", or the bare label of a unitless field. */
export function axisLabel(meaning: ChartFieldMeaning): string {
  const unit = meaning.unitSymbol === null || meaning.unitSymbol === '' ? '' : ` (${meaning.unitSymbol})`;
  const room = MAX_AXIS_LABEL_CHARS - unit.length;
  const label = meaning.label.length <= room ? meaning.label : `${meaning.label.slice(0, Math.max(1, room - 1))}…`;
  return `${label}${unit}`;
}

export function createTelemetryChart(originId: string, field: string, knownMeaning: ChartFieldMeaning | null = null): TelemetryChart {
  const plotArea = el('div', { class: 'chart-plot' });
  const emptyNote = el('p', { class: 'chart-empty muted', hidden: true }, 'No data in this range.');
  const caption = el('figcaption', {});
  const element = el('figure', { class: 'chart-card', 'aria-label': `${field} of ${originId}` }, caption, plotArea, emptyNote);

  let xRange: [number, number] = [0, 1];
  let meaning: ChartFieldMeaning | null = knownMeaning;
  let yLabel: string | null = null;
  let chart: uPlot | null = null;
  let stopResizing: () => void = () => undefined;

  const describe = (): void => {
    element.classList.toggle('chart-haccp', meaning?.isHaccp === true);
    if (meaning === null) {
      replaceChildren(caption, el('strong', {}, field), ' ', el('span', { class: 'muted mono' }, originId));
      return;
    }
    replaceChildren(caption, el('strong', {}, meaning.label), ' ', el('span', { class: 'muted mono' }, field), meaning.isHaccp ? badge('HACCP', 'info', 'A food-safety value: HACCP records keep it') : null);
  };

  /** (Re)builds the plot when the axis label changes: uPlot sizes its axes when it is created. */
  const build = (): void => {
    const label = meaning === null ? null : axisLabel(meaning);
    if (chart !== null && label === yLabel) return;
    yLabel = label;
    stopResizing();
    chart?.destroy();
    const stroke = meaning?.isHaccp === true ? CHART_COLORS.haccpLine : CHART_COLORS.line;
    const heightPx = label === null ? CHART_HEIGHT_PX : LABELLED_CHART_HEIGHT_PX;
    const options: uPlot.Options = {
      width: 400,
      height: heightPx,
      scales: { x: { time: true, range: () => xRange } },
      axes: chartAxes(label ?? undefined),
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        TIME_SERIES,
        { label: 'avg', stroke, width: 2, spanGaps: false, value: (_u, v) => formatChartValue(v) },
        { label: 'min', stroke: CHART_COLORS.edge, width: 1, value: (_u, v) => formatChartValue(v) },
        { label: 'max', stroke: CHART_COLORS.edge, width: 1, value: (_u, v) => formatChartValue(v) },
      ],
      bands: [{ series: [3, 2], fill: CHART_COLORS.band }],
    };
    const created = new uPlot(options, [[], [], [], []], plotArea);
    chart = created;
    stopResizing = fitChartToContainer(created, plotArea, heightPx);
  };

  describe();
  build();

  return {
    element,
    show: (series, fromMs, toMs) => {
      if (series.dictionaryField !== null) {
        meaning = series.dictionaryField;
        describe();
        build();
      }
      xRange = [fromMs / 1000, toMs / 1000];
      const isDecoded = series.dictionaryField !== null;
      const times: number[] = [];
      const averages: (number | null)[] = [];
      const minimums: (number | null)[] = [];
      const maximums: (number | null)[] = [];
      for (const bucket of series.points) {
        times.push(new Date(bucket.t).getTime() / 1000);
        // Decoded statistics when the dictionary knows the field; a bucket without them stays a gap.
        const values = isDecoded ? bucket.value : bucket;
        averages.push(values?.avg ?? null);
        minimums.push(values?.min ?? null);
        maximums.push(values?.max ?? null);
      }
      emptyNote.hidden = series.points.some((bucket) => bucket.n > 0);
      chart?.setData([times, averages, minimums, maximums]);
    },
    destroy: () => {
      stopResizing();
      chart?.destroy();
    },
  };
}
