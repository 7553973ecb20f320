// What one raw heartbeat value means under its dictionary field: the decoded value, a display text with the
// unit's symbol, and whether the raw value fits the field at all. Decoding happens on read, so a dictionary
// applies to values stored before it was written. A value that does not fit is never dropped nor thrown:
// the issue's rule is "stored as sent and shown raw with a marker".

import type { DictionaryField } from './data-dictionary.js';
import { ucumSymbol } from './ucum-units.js';

export interface DecodedField {
  /** The value as the device sent it. */
  raw: unknown;
  /** number: scaled and rounded; enum: the label; bitmask: the labels of the set bits; otherwise the raw value. */
  value: unknown;
  /** The value as people read it, with the unit's symbol (`182.5 °C`). */
  display: string;
  /** The UCUM code of `value`; null when the field has none, is unknown, or the raw value did not fit. */
  unit: string | null;
  /** True when the raw value does not fit the field's type (a string for a number, an unknown enum value). */
  isMismatch: boolean;
}

type Decoded = { isFit: true; value: unknown; text: string } | { isFit: false };

const MAX_UINT32 = 0xffff_ffff;
const NOT_FIT: Decoded = { isFit: false };

function rawText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    // Only a value that did not come from JSON (a cycle, a bigint) gets here; the promise is never to throw.
    return String(raw);
  }
}

/** A labelled array reads `label: value` per position (PROTOCOL.md B 5: label the known positions, keep the array raw). */
function jsonText(field: DictionaryField, raw: unknown): string {
  const labels = field.itemLabels;
  if (labels === undefined || labels.length === 0 || !Array.isArray(raw)) return rawText(raw);
  return raw.map((item: unknown, index) => `${labels[index] ?? `[${index}]`}: ${rawText(item)}`).join(', ');
}

function decodeNumber(field: DictionaryField, raw: unknown): Decoded {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return NOT_FIT;
  const computed = raw * (field.scale ?? 1) + (field.offset ?? 0);
  const precision = field.precision ?? null;
  if (precision === null) {
    // 15 significant digits drop binary noise (0.1 * 3 = 0.30000000000000004) without losing a real digit.
    const value = Number(computed.toPrecision(15));
    return { isFit: true, value, text: String(value) };
  }
  const text = computed.toFixed(precision);
  // toFixed can write -0.0; the value is plain 0 then.
  return { isFit: true, value: Number(text) === 0 ? 0 : Number(text), text: Number(text) === 0 ? (0).toFixed(precision) : text };
}

function decodeEnum(field: DictionaryField, raw: unknown): Decoded {
  // An enum value arrives as an integer (a vendor ENUM) or as a string (the CWM's `port`, "232").
  const key = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : null;
  const labels = field.enumLabels ?? {};
  if (key === null || !Object.hasOwn(labels, key)) return NOT_FIT;
  const label = labels[key] ?? key;
  return { isFit: true, value: label, text: label };
}

function decodeBitmask(field: DictionaryField, raw: unknown): Decoded {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_UINT32) return NOT_FIT;
  const labels = field.bitLabels ?? {};
  const set: string[] = [];
  for (let bit = 0; bit <= 31; bit++) {
    // Division instead of `>>`: bit 31 would make a signed 32-bit shift negative.
    if (Math.floor(raw / 2 ** bit) % 2 === 1) set.push(labels[String(bit)] ?? `bit ${bit}`);
  }
  return { isFit: true, value: set, text: set.length === 0 ? 'none' : set.join(', ') };
}

function decodeBoolean(raw: unknown): Decoded {
  // Serial OKEs often send flags as 0/1; both spellings mean the same.
  if (raw === true || raw === 1) return { isFit: true, value: true, text: 'true' };
  if (raw === false || raw === 0) return { isFit: true, value: false, text: 'false' };
  return NOT_FIT;
}

function decodeOne(field: DictionaryField, raw: unknown): Decoded {
  switch (field.type) {
    case 'number':
      return decodeNumber(field, raw);
    case 'enum':
      return decodeEnum(field, raw);
    case 'bitmask':
      return decodeBitmask(field, raw);
    case 'boolean':
      return decodeBoolean(raw);
    case 'string':
      return typeof raw === 'string' ? { isFit: true, value: raw, text: raw } : NOT_FIT;
    case 'json':
      return { isFit: true, value: raw, text: jsonText(field, raw) };
  }
}

/** Multi-cavity equipment reports one value per cavity as an array (KITCHEN-MODELS.md): each is decoded alike. */
function decodeAny(field: DictionaryField, raw: unknown): Decoded {
  if (field.type === 'json' || !Array.isArray(raw)) return decodeOne(field, raw);
  if (raw.length === 0) return NOT_FIT;
  const values: unknown[] = [];
  const texts: string[] = [];
  for (const element of raw) {
    const decoded = decodeOne(field, element);
    if (!decoded.isFit) return NOT_FIT;
    values.push(decoded.value);
    texts.push(decoded.text);
  }
  return { isFit: true, value: values, text: texts.join(' | ') };
}

/**
 * Decodes one raw heartbeat value with its dictionary field; a field absent from the dictionary (undefined)
 * gives the raw value back as it is. Never throws.
 * @example decodeField({ key: 'temp', label: 'Temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1 }, 1825)
 * // { raw: 1825, value: 182.5, display: '182.5 °C', unit: 'Cel', isMismatch: false }
 */
export function decodeField(field: DictionaryField | undefined, raw: unknown): DecodedField {
  if (field === undefined) return { raw, value: raw, display: rawText(raw), unit: null, isMismatch: false };
  const decoded = decodeAny(field, raw);
  if (!decoded.isFit) return { raw, value: raw, display: rawText(raw), unit: null, isMismatch: true };
  const unit = field.unit ?? null;
  const symbol = unit === null ? '' : (ucumSymbol(unit) ?? unit);
  const display = symbol === '' ? decoded.text : symbol === '%' ? `${decoded.text}%` : `${decoded.text} ${symbol}`;
  return { raw, value: decoded.value, display, unit, isMismatch: false };
}

/** Whether one raw value (not an array element list) fits a field; built once per field (fitCheckOf). */
type FitCheck = (raw: unknown) => boolean;

function isFiniteNumber(raw: unknown): boolean {
  return typeof raw === 'number' && Number.isFinite(raw);
}

function isUint32(raw: unknown): boolean {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_UINT32;
}

function isBooleanLike(raw: unknown): boolean {
  return raw === true || raw === false || raw === 1 || raw === 0;
}

function isString(raw: unknown): boolean {
  return typeof raw === 'string';
}

function fitsAnything(): boolean {
  return true;
}

function enumCheck(field: DictionaryField): FitCheck {
  // The labels' keys as the raw values that match them: the string sent, or the integer it spells.
  const strings = new Set(Object.keys(field.enumLabels ?? {}));
  const integers = new Set([...strings].filter((key) => /^-?\d+$/.test(key)).map(Number));
  return (raw) => (typeof raw === 'string' ? strings.has(raw) : typeof raw === 'number' && integers.has(raw) && Number.isInteger(raw));
}

function fitCheckOf(field: DictionaryField): FitCheck {
  switch (field.type) {
    case 'number':
      return isFiniteNumber;
    case 'enum':
      return enumCheck(field);
    case 'bitmask':
      return isUint32;
    case 'boolean':
      return isBooleanLike;
    case 'string':
      return isString;
    case 'json':
      return fitsAnything;
  }
}

const fitChecks = new WeakMap<DictionaryField, FitCheck>();

/**
 * True when decodeField would mark `raw` as a mismatch of `field`, without building its value or text: the
 * check counted for every heartbeat field as pushes are stored (mismatch-counter.ts), so it is built once per
 * field (an enum's labels as sets) and allocates nothing for a value that fits.
 */
export function isFieldMismatch(field: DictionaryField, raw: unknown): boolean {
  let fits = fitChecks.get(field);
  if (fits === undefined) {
    fits = fitCheckOf(field);
    fitChecks.set(field, fits);
  }
  if (field.type === 'json' || !Array.isArray(raw)) return !fits(raw);
  if (raw.length === 0) return true;
  for (const element of raw) if (!fits(element)) return true;
  return false;
}
