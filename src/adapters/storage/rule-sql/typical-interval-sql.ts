// The heartbeat interval average (domain/heartbeat-interval.ts) as the one SQL expression both backends
// run on a `devices` row, its numbers bound as parameters: each backend only spells clamping, truncation
// and its placeholders.

import { INTERVAL_AVERAGE_PARAMS, type IntervalAverageParams } from '../../../domain/heartbeat-interval.js';

/** How a backend spells what the expression needs beyond standard SQL. */
export interface IntervalSqlSpelling {
  /** `value` clamped to `low` .. `high`. */
  clamp(value: string, low: string, high: string): string;
  /** `value`, a floating-point number, truncated to a whole number as the column stores it. */
  truncate(value: string): string;
  /** The placeholder of the average's parameter `name`, typed as the expression needs it. */
  param(name: keyof IntervalAverageParams): string;
}

/**
 * The new `typical_interval_ms` after a heartbeat at `heartbeatAt` (an SQL expression), from the row's
 * `typical_interval_ms` and `last_cwm_heartbeat_at` (not null: the caller keeps the column otherwise).
 */
export function averagedIntervalSql(spelling: IntervalSqlSpelling, heartbeatAt: string): string {
  const p = spelling.param;
  const gap = spelling.clamp(`${heartbeatAt} - last_cwm_heartbeat_at`, p('minGapMs'), p('maxGapMs'));
  return spelling.truncate(
    `coalesce(${p('previousWeight')} * typical_interval_ms, 0)
       + (CASE WHEN typical_interval_ms IS NULL THEN ${p('firstGapWeight')} ELSE ${p('newGapWeight')} END) * ${gap}`,
  );
}

const PARAM_ORDER: ReadonlyArray<keyof IntervalAverageParams> = ['previousWeight', 'newGapWeight', 'firstGapWeight', 'minGapMs', 'maxGapMs'];

/**
 * Positional placeholders from `$first` on, for PostgreSQL, with the values to bind there in order.
 * @example const interval = positionalIntervalParams(7); // interval.values go after the statement's six
 */
export function positionalIntervalParams(first: number): { spellingParam: (name: keyof IntervalAverageParams) => string; values: number[] } {
  const isWeight = (name: keyof IntervalAverageParams): boolean => name.endsWith('Weight');
  return {
    spellingParam: (name) => `$${first + PARAM_ORDER.indexOf(name)}::${isWeight(name) ? 'float8' : 'bigint'}`,
    values: PARAM_ORDER.map((name) => INTERVAL_AVERAGE_PARAMS[name]),
  };
}
