// The fields of one rollup row as both backends store them: one JSON object per (device, bucket), a field
// with one sample as its bare value, others as [min, max, sum, count]. One row per device and bucket
// instead of one per field keeps a heartbeat's dozen fields in one ~120-byte row, and a bucket of one
// heartbeat (the usual minute) at little more than the values themselves.

import type { FieldStats, RollupPoint } from '../../../domain/rollup-store.js';
import { mergeStatsInto } from '../../../domain/field-stats.js';

export function encodeRollupFields(fields: ReadonlyMap<string, FieldStats>): string {
  const packed: Record<string, number | [number, number, number, number]> = {};
  for (const [name, s] of fields) packed[name] = s.count === 1 ? s.sum : [s.min, s.max, s.sum, s.count];
  return JSON.stringify(packed);
}

export function decodeRollupFields(text: string): Map<string, FieldStats> {
  const fields = new Map<string, FieldStats>();
  const packed: unknown = JSON.parse(text);
  if (typeof packed !== 'object' || packed === null) return fields;
  for (const [name, value] of Object.entries(packed as Record<string, unknown>)) {
    if (typeof value === 'number') fields.set(name, { min: value, max: value, sum: value, count: 1 });
    else if (Array.isArray(value) && value.length === 4 && value.every((n) => typeof n === 'number')) {
      const [min, max, sum, count] = value as [number, number, number, number];
      fields.set(name, { min, max, sum, count });
    }
  }
  return fields;
}

/** One field of a stored row, without decoding the others' arrays into maps (reads of long ranges). */
export function fieldOfRollup(text: string, field: string): FieldStats | null {
  const packed: unknown = JSON.parse(text);
  if (typeof packed !== 'object' || packed === null || !Object.hasOwn(packed, field)) return null;
  const value: unknown = (packed as Record<string, unknown>)[field];
  if (typeof value === 'number') return { min: value, max: value, sum: value, count: 1 };
  if (Array.isArray(value) && value.length === 4 && value.every((n) => typeof n === 'number')) {
    const [min, max, sum, count] = value as [number, number, number, number];
    return { min, max, sum, count };
  }
  return null;
}

/** A stored row's fields with a delta merged in: the text to store back. */
export function mergeRollupFields(stored: string | null, delta: ReadonlyMap<string, FieldStats>): string {
  const fields = stored === null ? new Map<string, FieldStats>() : decodeRollupFields(stored);
  for (const [name, s] of delta) {
    const current = fields.get(name);
    if (current) mergeStatsInto(current, s);
    else fields.set(name, { ...s });
  }
  return encodeRollupFields(fields);
}

/** Stored rollup rows of one field, merged per bucket over the devices they belong to (oldest first). */
export function seriesOfRollupRows(rows: Iterable<{ bucket_ms: number; fields: string }>, field: string): RollupPoint[] {
  const buckets = new Map<number, { stats: FieldStats; devices: number; sumOfMeans: number }>();
  for (const row of rows) {
    const stats = fieldOfRollup(row.fields, field);
    if (stats === null || stats.count === 0) continue;
    const bucket = buckets.get(row.bucket_ms);
    if (bucket) {
      mergeStatsInto(bucket.stats, stats);
      bucket.devices++;
      bucket.sumOfMeans += stats.sum / stats.count;
    } else {
      buckets.set(row.bucket_ms, { stats: { ...stats }, devices: 1, sumOfMeans: stats.sum / stats.count });
    }
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([bucketStartMs, b]): RollupPoint => ({ bucketStartMs, ...b }));
}
