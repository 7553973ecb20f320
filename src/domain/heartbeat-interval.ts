// A CWM's typical heartbeat interval, which online/offline is measured against (device-status.ts): the
// one definition of its moving average. Each store applies it in SQL, with these numbers bound as
// statement parameters (storage/rule-sql/typical-interval-sql.ts).

/**
 * The average weighs each new gap between two of the CWM's own heartbeats 1/5; its first gap is taken
 * whole. A gap is clamped first, so a burst of re-sends or a night switched off moves it little.
 */
export const HEARTBEAT_INTERVAL_AVERAGE = {
  newGapWeight: 0.2,
  minGapMs: 1000,
  maxGapMs: 3_600_000,
} as const;

/** The average's numbers as the stores bind them: the weights of the previous average, of a new gap, of the first gap. */
export interface IntervalAverageParams {
  readonly previousWeight: number;
  readonly newGapWeight: number;
  readonly firstGapWeight: number;
  readonly minGapMs: number;
  readonly maxGapMs: number;
}

export const INTERVAL_AVERAGE_PARAMS: IntervalAverageParams = {
  previousWeight: 1 - HEARTBEAT_INTERVAL_AVERAGE.newGapWeight,
  newGapWeight: HEARTBEAT_INTERVAL_AVERAGE.newGapWeight,
  firstGapWeight: 1,
  minGapMs: HEARTBEAT_INTERVAL_AVERAGE.minGapMs,
  maxGapMs: HEARTBEAT_INTERVAL_AVERAGE.maxGapMs,
};

/**
 * The typical interval after a heartbeat `gapMs` after the previous one, truncated to whole ms as the
 * stores keep it (the reference their SQL is tested against).
 * @example nextTypicalIntervalMs(null, 20_000) // 20000
 */
export function nextTypicalIntervalMs(previousMs: number | null, gapMs: number): number {
  const p = INTERVAL_AVERAGE_PARAMS;
  const clamped = Math.min(Math.max(gapMs, p.minGapMs), p.maxGapMs);
  return Math.trunc((previousMs === null ? 0 : p.previousWeight * previousMs) + (previousMs === null ? p.firstGapWeight : p.newGapWeight) * clamped);
}
