// The units a data dictionary may name: a fixed table of UCUM codes (ucum.org) with the symbol shown to people.
// A table instead of a UCUM grammar parser: dictionaries name a few dozen units, a table keeps each one
// checkable and gives it a display symbol, and an unknown code is refused instead of half-understood.

/** Accepted UCUM code → the symbol a console or an export shows. */
export const UCUM_UNITS: Readonly<Record<string, string>> = Object.freeze({
  // Temperature
  Cel: '°C',
  '[degF]': '°F',
  K: 'K',
  // Time
  ms: 'ms',
  s: 's',
  min: 'min',
  h: 'h',
  d: 'd',
  // Electricity
  mV: 'mV',
  V: 'V',
  mA: 'mA',
  A: 'A',
  Hz: 'Hz',
  // Power and energy
  W: 'W',
  kW: 'kW',
  'W.h': 'Wh',
  'kW.h': 'kWh',
  J: 'J',
  kJ: 'kJ',
  '[Btu_IT]': 'BTU',
  // Ratios and counts ("1" is UCUM's unity: a plain count or a dimensionless number)
  '%': '%',
  '1': '',
  // Volume and flow
  L: 'L',
  mL: 'mL',
  'm3': 'm³',
  '[gal_us]': 'gal',
  'L/min': 'L/min',
  'L/h': 'L/h',
  'm3/h': 'm³/h',
  // Mass
  kg: 'kg',
  g: 'g',
  '[lb_av]': 'lb',
  // Pressure
  Pa: 'Pa',
  kPa: 'kPa',
  bar: 'bar',
  mbar: 'mbar',
  '[psi]': 'psi',
  // Rotation, data, signal (Bd: the CWM's serial baud rate)
  Bd: 'Bd',
  '/min': '/min',
  By: 'B',
  'dB[mW]': 'dBm',
});

/** True when `code` is an accepted UCUM code (case-sensitive, as UCUM's case-sensitive form is). */
export function isUcumUnit(code: string): boolean {
  return Object.hasOwn(UCUM_UNITS, code);
}

/**
 * The display symbol of an accepted code; null for a code not in the table.
 * @example ucumSymbol('Cel') // '°C'
 */
export function ucumSymbol(code: string): string | null {
  return isUcumUnit(code) ? (UCUM_UNITS[code] ?? null) : null;
}
