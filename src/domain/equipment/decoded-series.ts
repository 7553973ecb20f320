// Charted statistics in the dictionary's terms (issue 15 "console charts (axis label and unit)"): rollups keep
// raw min/max/avg per bucket, and `raw * scale + offset` is linear, so the decoded statistics are the raw ones
// mapped (min and max trade places under a negative scale). Decoding on read applies today's dictionary to
// every stored bucket.

import type { DictionaryField } from '../equipment-model/data-dictionary.js';
import { ucumSymbol } from '../equipment-model/ucum-units.js';

export interface SeriesFieldMeaning {
  readonly label: string;
  readonly unit: string | null;
  readonly unitSymbol: string | null;
  readonly isHaccp: boolean;
  readonly min: number | null;
  readonly max: number | null;
}

export interface DecodedStats {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

/** What the axis of a field's chart says; null when the field is not a number field of the dictionary. */
export function seriesMeaningOf(field: DictionaryField | undefined): SeriesFieldMeaning | null {
  if (field === undefined || field.type !== 'number') return null;
  const unit = field.unit ?? null;
  return { label: field.label, unit, unitSymbol: unit === null ? null : (ucumSymbol(unit) ?? unit), isHaccp: field.haccp === true, min: field.min ?? null, max: field.max ?? null };
}

function decodeNumber(field: DictionaryField, raw: number): number {
  const value = raw * (field.scale ?? 1) + (field.offset ?? 0);
  // Buckets are averages: one more decimal than the field's precision keeps a chart smooth without noise.
  const decimals = field.precision === undefined || field.precision === null ? null : Math.min(field.precision + 1, 9);
  return decimals === null ? Number(value.toPrecision(15)) : Number(value.toFixed(decimals));
}

/** A bucket's raw statistics decoded with a number field; null when the bucket has none. */
export function decodeStats(field: DictionaryField, stats: { min: number | null; max: number | null; avg: number | null }): DecodedStats | null {
  if (stats.min === null || stats.max === null || stats.avg === null) return null;
  const low = decodeNumber(field, stats.min);
  const high = decodeNumber(field, stats.max);
  return { min: Math.min(low, high), max: Math.max(low, high), avg: decodeNumber(field, stats.avg) };
}
