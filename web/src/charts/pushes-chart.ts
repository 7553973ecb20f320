// The fleet's pushes per minute over the last hour, as uPlot bars.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PushesInMinute } from '../api-model.js';
import { el } from '../dom-builder.js';
import { fitChartToContainer } from './chart-resizer.js';
import { CHART_COLORS, TIME_SERIES, chartAxes } from './chart-theme.js';

const CHART_HEIGHT_PX = 220;

export interface PushesChart {
  readonly element: HTMLElement;
  readonly show: (minutes: readonly PushesInMinute[]) => void;
  readonly destroy: () => void;
}

export function createPushesChart(): PushesChart {
  const plotArea = el('div', { class: 'chart-plot' });
  const element = el('figure', { class: 'chart-card', 'aria-label': 'Pushes per minute over the last hour' }, plotArea);
  const barsBuilder = uPlot.paths.bars;
  const options: uPlot.Options = {
    width: 600,
    height: CHART_HEIGHT_PX,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: chartAxes('pushes / min'),
    cursor: { drag: { x: false, y: false } },
    series: [
      TIME_SERIES,
      {
        label: 'pushes',
        stroke: CHART_COLORS.bar,
        fill: CHART_COLORS.barFill,
        width: 1,
        paths: barsBuilder === undefined ? undefined : barsBuilder({ size: [0.7, 40] }),
        points: { show: false },
      },
    ],
  };
  const chart = new uPlot(options, [[], []], plotArea);
  const stopResizing = fitChartToContainer(chart, plotArea, CHART_HEIGHT_PX);
  return {
    element,
    show: (minutes) => {
      chart.setData([minutes.map((minute) => new Date(minute.t).getTime() / 1000), minutes.map((minute) => minute.n)]);
    },
    destroy: () => {
      stopResizing();
      chart.destroy();
    },
  };
}
