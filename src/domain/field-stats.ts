// Min, max, sum and count of a numeric heartbeat field, and how two of them merge: the arithmetic every
// rollup (minute, hour, fleet-wide) is made of.

import type { FieldStats } from './rollup-store.js';

export function statsOf(value: number): FieldStats {
  return { min: value, max: value, sum: value, count: 1 };
}

/** Adds `other` into `into` (mutates and returns it). */
export function mergeStatsInto(into: FieldStats, other: FieldStats): FieldStats {
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
  into.sum += other.sum;
  into.count += other.count;
  return into;
}

/**
 * The numeric fields of a heartbeat: numbers as they are, booleans as 0/1 (what charts show for an on/off
 * field), anything else (strings, arrays, objects, non-finite numbers) left out.
 */
export function numericFieldsOf(heartbeat: Readonly<Record<string, unknown>>): Array<[string, number]> {
  const fields: Array<[string, number]> = [];
  for (const [name, value] of Object.entries(heartbeat)) {
    const number = numericValueOf(value);
    if (number !== null) fields.push([name, number]);
  }
  return fields;
}

/** A heartbeat field's value as a chart plots it: a finite number as it is, a boolean as 0/1, else null. */
export function numericValueOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}
