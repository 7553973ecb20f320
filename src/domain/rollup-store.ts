// The storage port for rollups (issue 12): per origin device and per minute and per hour, the min, max,
// sum and count of every numeric heartbeat field, and the fleet's OKMs per minute. Rollups are what long
// chart ranges and fleet-wide series read; raw OKMs stay the record.

/** The statistics of one field over one bucket. */
export interface FieldStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export type RollupResolution = 'minute' | 'hour';

export const BUCKET_MS: Readonly<Record<RollupResolution, number>> = { minute: 60_000, hour: 3_600_000 };

/** What a fold adds to one origin device's bucket. */
export interface RollupDelta {
  readonly originId: string;
  /** The bucket's start, a multiple of its resolution's length since the epoch. */
  readonly bucketStartMs: number;
  readonly fields: ReadonlyMap<string, FieldStats>;
}

/** One bucket of a rollup series, merged over the devices asked for. */
export interface RollupPoint {
  readonly bucketStartMs: number;
  readonly stats: FieldStats;
  /** How many devices contributed to the bucket. */
  readonly devices: number;
  /** The sum over those devices of each one's mean in the bucket (a fleet total, e.g. litres of oil). */
  readonly sumOfMeans: number;
}

export interface RollupSeriesQuery {
  readonly originIds: readonly string[];
  readonly field: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly resolution: RollupResolution;
}

export interface RollupStore {
  /**
   * Adds folded statistics to the stored rollups of one resolution (merging min, max, sum and count with
   * what a bucket already holds, so folds may come in any order and from several nodes), and adds OKM
   * counts to the fleet's per-minute counts. One transaction.
   */
  mergeRollups(resolution: RollupResolution, deltas: readonly RollupDelta[], fleetOkmsPerMinute: ReadonlyMap<number, number>): Promise<void>;
  /** Per bucket in [fromMs, toMs) (by bucket start), the field's statistics merged over the given devices; oldest first, empty buckets left out. */
  queryRollupSeries(query: RollupSeriesQuery): Promise<RollupPoint[]>;
  /** The fleet's stored OKMs per minute in [fromMs, toMs): [minute start, count], oldest first, empty minutes left out. */
  countFleetOkmsPerMinute(fromMs: number, toMs: number): Promise<Array<[number, number]>>;
  /** Removes up to `limit` rollup rows of a resolution whose bucket started before `beforeMs` (fleet counts go with the minute ones); how many went. */
  pruneRollups(resolution: RollupResolution, beforeMs: number, limit: number): Promise<number>;
}
