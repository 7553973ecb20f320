// The time ranges the telemetry charts offer; all end "now", so they are refreshed periodically. Ranges
// past 6 h are answered from rollups (minute or hour), so a month costs about what an hour does.

export interface TimeRange {
  readonly key: string;
  readonly label: string;
  readonly durationMs: number;
}

const MINUTE_MS = 60_000;

export const TIME_RANGES: readonly TimeRange[] = [
  { key: '15m', label: '15 min', durationMs: 15 * MINUTE_MS },
  { key: '1h', label: '1 h', durationMs: 60 * MINUTE_MS },
  { key: '6h', label: '6 h', durationMs: 6 * 60 * MINUTE_MS },
  { key: '24h', label: '24 h', durationMs: 24 * 60 * MINUTE_MS },
  { key: '7d', label: '7 d', durationMs: 7 * 24 * 60 * MINUTE_MS },
  { key: '30d', label: '30 d', durationMs: 30 * 24 * 60 * MINUTE_MS },
  { key: '90d', label: '90 d', durationMs: 90 * 24 * 60 * MINUTE_MS },
];

export const DEFAULT_TIME_RANGE: TimeRange = { key: '1h', label: '1 h', durationMs: 60 * MINUTE_MS };

/** The window [now - duration, now] for a range. */
export function windowEndingNow(range: TimeRange, nowMs: number = Date.now()): { readonly from: Date; readonly to: Date } {
  return { from: new Date(nowMs - range.durationMs), to: new Date(nowMs) };
}
