// The /time answer (PROTOCOL.md A6): redundant fields because the CWM's expected format is not public.
// UTC, epoch seconds, local wall time in the `ts` style and the offset, for the device's time zone.

import { formatUtcTimestamp } from './okm-timestamp.js';

export interface TimeAnswer {
  readonly utc: string;
  readonly epoch: number;
  readonly local: string;
  readonly offset: number;
  readonly tz: string;
}

/** Local wall-clock milliseconds (as if UTC) of `epochMs` in `timeZone` (an IANA name). */
function wallClockMsIn(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * @example buildTimeAnswer(Date.UTC(2026, 6, 1, 12), 'Europe/Paris')
 * // { utc: '2026-07-01T12:00:00Z', epoch: 1782907200, local: '2026-07-01T14:00:00', offset: 120, tz: 'Europe/Paris' }
 */
export function buildTimeAnswer(nowMs: number, timeZone: string): TimeAnswer {
  const wholeSecondMs = Math.floor(nowMs / 1000) * 1000;
  const wallMs = wallClockMsIn(wholeSecondMs, timeZone);
  return {
    utc: formatUtcTimestamp(wholeSecondMs),
    epoch: wholeSecondMs / 1000,
    local: new Date(wallMs).toISOString().slice(0, 19),
    offset: Math.round((wallMs - wholeSecondMs) / 60_000),
    tz: timeZone,
  };
}
