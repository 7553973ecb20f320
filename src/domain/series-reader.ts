// Reads a chart's series from what answers it cheapest (issue 12): raw OKMs for short ranges, minute
// rollups for medium ones, hour rollups for long ones or beyond the minute rollups' retention. The
// minutes not yet written to rollups (rollup-folder.ts writes each minute a few seconds after it ends) are
// read from raw OKMs, so a chart ending now is complete to the last push.

import { BUCKET_MS, type RollupResolution, type RollupStore } from './rollup-store.js';
import type { SeriesPoint, TelemetryStore } from './telemetry-store.js';

/** Ranges up to this long are read from raw OKMs (at most a few thousand rows per device). */
export const RAW_RANGE_MAX_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;

export type SeriesSource = 'raw' | 'minute' | 'hour';

export interface SeriesRequest {
  readonly field: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** How many buckets the range is cut into at most. */
  readonly points: number;
}

export interface SeriesContext {
  readonly nowMs: number;
  /** Minute rollups are kept this many days (0: for ever); older ranges read hour rollups. */
  readonly minuteRollupRetentionDays: number;
  /** Rollups are complete (on this node) for receive times before this instant; raw OKMs answer after it. */
  readonly rollupsWrittenThroughMs: number;
}

export interface DeviceSeries {
  readonly source: SeriesSource;
  readonly fromMs: number;
  readonly bucketMs: number;
  readonly points: SeriesPoint[];
}

export interface FleetSeriesPoint extends SeriesPoint {
  /** Devices that reported the field in the bucket. */
  readonly devices: number;
  /** The sum over those devices of each one's mean: a fleet total (litres of oil in all fryers). */
  readonly sumOfMeans: number;
}

export interface FleetSeries {
  readonly source: Exclude<SeriesSource, 'raw'>;
  readonly fromMs: number;
  readonly bucketMs: number;
  readonly points: FleetSeriesPoint[];
}

interface Accumulated {
  min: number;
  max: number;
  sum: number;
  count: number;
  devices: number;
  sumOfMeans: number;
}

/** The rollup resolution for a bucket length and range start; null when raw OKMs should answer. */
export function resolutionFor(request: SeriesRequest, context: SeriesContext, allowRaw: boolean): RollupResolution | null {
  const rawBucketMs = Math.max(1000, Math.ceil((request.toMs - request.fromMs) / request.points));
  if (allowRaw && request.toMs - request.fromMs <= RAW_RANGE_MAX_MS) return null;
  const minutesKeptFrom = context.minuteRollupRetentionDays === 0 ? Number.NEGATIVE_INFINITY : context.nowMs - context.minuteRollupRetentionDays * DAY_MS;
  return rawBucketMs < BUCKET_MS.hour && request.fromMs >= minutesKeptFrom ? 'minute' : 'hour';
}

/** The grid of a rollup read: its start aligned to the resolution, its bucket a whole number of resolution buckets. */
function gridOf(request: SeriesRequest, resolution: RollupResolution): { fromMs: number; bucketMs: number } {
  const unit = BUCKET_MS[resolution];
  const fromMs = Math.floor(request.fromMs / unit) * unit;
  const bucketMs = Math.max(unit, Math.ceil((request.toMs - fromMs) / request.points / unit) * unit);
  return { fromMs, bucketMs };
}

function add(grid: Map<number, Accumulated>, index: number, s: { min: number; max: number; sum: number; count: number }, devices: number, sumOfMeans: number): void {
  const current = grid.get(index);
  if (current) {
    current.min = Math.min(current.min, s.min);
    current.max = Math.max(current.max, s.max);
    current.sum += s.sum;
    current.count += s.count;
    current.devices += devices;
    current.sumOfMeans += sumOfMeans;
  } else {
    grid.set(index, { min: s.min, max: s.max, sum: s.sum, count: s.count, devices, sumOfMeans });
  }
}

/** One device's series of one heartbeat field. */
export async function readDeviceSeries(
  store: Pick<TelemetryStore, 'querySeries'> & Pick<RollupStore, 'queryRollupSeries'>,
  originId: string,
  request: SeriesRequest,
  context: SeriesContext,
): Promise<DeviceSeries> {
  const resolution = resolutionFor(request, context, true);
  if (resolution === null) {
    const bucketMs = Math.max(1000, Math.ceil((request.toMs - request.fromMs) / request.points));
    const points = await store.querySeries({ originId, field: request.field, fromMs: request.fromMs, toMs: request.toMs, bucketMs });
    return { source: 'raw', fromMs: request.fromMs, bucketMs, points };
  }
  const grid = gridOf(request, resolution);
  const cells = new Map<number, Accumulated>();
  const rollupToMs = Math.min(request.toMs, context.rollupsWrittenThroughMs);
  if (rollupToMs > grid.fromMs) {
    for (const point of await store.queryRollupSeries({ originIds: [originId], field: request.field, fromMs: grid.fromMs, toMs: rollupToMs, resolution })) {
      add(cells, Math.floor((point.bucketStartMs - grid.fromMs) / grid.bucketMs), point.stats, 1, 0);
    }
  }
  // The minutes not in rollups yet, from raw OKMs, by minute, each put in its cell of the grid. The hour
  // row of the hour in progress holds only the minutes written so far, so raw OKMs take over exactly there.
  const tailFromMs = Math.max(grid.fromMs, Math.floor(context.rollupsWrittenThroughMs / BUCKET_MS.minute) * BUCKET_MS.minute);
  if (tailFromMs < request.toMs) {
    for (const point of await store.querySeries({ originId, field: request.field, fromMs: tailFromMs, toMs: request.toMs, bucketMs: BUCKET_MS.minute })) {
      add(cells, Math.floor((point.bucketStartMs - grid.fromMs) / grid.bucketMs), { min: point.min, max: point.max, sum: point.avg * point.count, count: point.count }, 1, 0);
    }
  }
  const points = [...cells.entries()].sort(([a], [b]) => a - b).map(([index, c]): SeriesPoint => ({
    bucketStartMs: grid.fromMs + index * grid.bucketMs, min: c.min, max: c.max, avg: c.sum / c.count, count: c.count,
  }));
  return { source: resolution, fromMs: grid.fromMs, bucketMs: grid.bucketMs, points };
}

/** One heartbeat field over a set of devices, from rollups (minutes written so far). */
export async function readFleetSeries(
  store: Pick<RollupStore, 'queryRollupSeries'>,
  originIds: readonly string[],
  request: SeriesRequest,
  context: SeriesContext,
): Promise<FleetSeries> {
  const resolution = resolutionFor(request, context, false) ?? 'minute';
  const grid = gridOf(request, resolution);
  const cells = new Map<number, Accumulated>();
  // Device by device: a device's mean over a whole cell is what adds up across devices (a fleet total), and
  // a device that reported in only some of a cell's buckets still counts once, with its mean.
  for (const originId of new Set(originIds)) {
    const perCell = new Map<number, Accumulated>();
    for (const point of await store.queryRollupSeries({ originIds: [originId], field: request.field, fromMs: grid.fromMs, toMs: request.toMs, resolution })) {
      add(perCell, Math.floor((point.bucketStartMs - grid.fromMs) / grid.bucketMs), point.stats, 1, 0);
    }
    for (const [index, c] of perCell) add(cells, index, c, 1, c.sum / c.count);
  }
  const points = [...cells.entries()].sort(([a], [b]) => a - b).map(([index, c]): FleetSeriesPoint => ({
    bucketStartMs: grid.fromMs + index * grid.bucketMs, min: c.min, max: c.max, avg: c.sum / c.count, count: c.count,
    devices: c.devices, sumOfMeans: c.sumOfMeans,
  }));
  return { source: resolution, fromMs: grid.fromMs, bucketMs: grid.bucketMs, points };
}

/** The fleet's stored OKMs per minute in [fromMs, toMs): rollup counts, raw counts for the minutes not written yet. */
export async function readFleetOkmsPerMinute(
  store: Pick<RollupStore, 'countFleetOkmsPerMinute'> & Pick<TelemetryStore, 'countOkmsPerMinute'>,
  fromMs: number,
  toMs: number,
  rollupsWrittenThroughMs: number,
): Promise<Array<[number, number]>> {
  const boundaryMs = Math.max(fromMs, Math.min(toMs, Math.floor(rollupsWrittenThroughMs / BUCKET_MS.minute) * BUCKET_MS.minute));
  const fromRollups = boundaryMs > fromMs ? await store.countFleetOkmsPerMinute(fromMs, boundaryMs) : [];
  const fromRaw = boundaryMs < toMs ? await store.countOkmsPerMinute(boundaryMs, toMs) : [];
  return [...fromRollups, ...fromRaw];
}
