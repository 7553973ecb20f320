// Shared look of the console's uPlot charts: colours, axes and a legend that uses local time.
import type uPlot from 'uplot';

export const CHART_COLORS = {
  line: '#2563eb',
  /** HACCP fields: the line a food-safety check looks for. */
  haccpLine: '#b45309',
  band: 'rgba(37, 99, 235, 0.14)',
  edge: 'rgba(37, 99, 235, 0.35)',
  bar: '#0f766e',
  barFill: 'rgba(15, 118, 110, 0.35)',
  grid: '#e5e7eb',
  axis: '#4b5563',
} as const;

const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short' });
const DAY_S = 86_400;

/** 24-hour clock ticks; ranges over a day also name the day, so a 7-day chart stays readable. */
function timeTickValues(chart: uPlot, splits: number[]): string[] {
  const spanS = (chart.scales['x']?.max ?? 0) - (chart.scales['x']?.min ?? 0);
  return splits.map((seconds) => {
    const date = new Date(seconds * 1000);
    if (spanS <= DAY_S) return clockFormat.format(date);
    const isMidnight = date.getHours() === 0 && date.getMinutes() === 0;
    return isMidnight ? dayFormat.format(date) : `${dayFormat.format(date)} ${clockFormat.format(date)}`;
  });
}

/** Smaller than uPlot's bold 12px, so "Label (unit)" fits along a short y-axis. */
const AXIS_LABEL_FONT = '600 11px system-ui, sans-serif';

export function chartAxes(yLabel?: string): uPlot.Axis[] {
  const common = { stroke: CHART_COLORS.axis, grid: { stroke: CHART_COLORS.grid, width: 1 }, ticks: { stroke: CHART_COLORS.grid } };
  // Wide enough for the longest tick label (115,200 baud, 12,030 mV), so large values are not clipped.
  const ySize = (_chart: uPlot, values: string[] | null): number =>
    Math.max(40, Math.ceil(Math.max(0, ...(values ?? []).map((value) => value.length)) * 7.5) + 16) + (yLabel ? 18 : 0);
  return [{ ...common, values: timeTickValues }, { ...common, label: yLabel, labelFont: AXIS_LABEL_FONT, labelSize: 16, size: ySize }];
}

/** Formats a legend value, leaving gaps visible as a dash. */
export function formatChartValue(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '-';
  return Math.abs(value) >= 1000 ? value.toFixed(0) : String(Math.round(value * 100) / 100);
}

const legendTimeFormat = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The x series of every chart: the legend shows the hovered bucket's local time. */
export const TIME_SERIES: uPlot.Series = {
  label: 'Time',
  value: (_chart, seconds) => (seconds === null ? '-' : legendTimeFormat.format(new Date(seconds * 1000))),
};
