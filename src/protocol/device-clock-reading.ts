// A device's `ts` as an instant. A CWM stamps `ts` with its own clock, usually local wall time without a
// zone (PROTOCOL.md A2): it is read in the device's time zone (the one /time answers for), so that a
// daylight-saving change does not look like a clock going back. An hour that a change repeats (or skips)
// has two candidate instants (or none); the one nearest the server's clock is taken, which is the right one
// for a CWM whose clock is within half an hour of the truth and a consistent one for any other.

import { parseOkmTimestamp } from './okm-timestamp.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `epochMs`, in ms (local = UTC + offset). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(Math.floor(epochMs / 1000) * 1000));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(epochMs / 1000) * 1000;
}

// The offsets a zone uses within a day of now change twice a year at most: computing them (three Intl calls)
// once a minute per zone instead of on every pull keeps the conversion at a few array operations.
const OFFSET_CACHE_MS = 60_000;
const DAY_MS = 86_400_000;
const offsetsNearNow = new Map<string, { readonly atMs: number; readonly offsets: readonly number[] }>();

function offsetsAround(nowMs: number, timeZone: string): readonly number[] {
  const cached = offsetsNearNow.get(timeZone);
  if (cached && Math.abs(nowMs - cached.atMs) < OFFSET_CACHE_MS) return cached.offsets;
  const offsets = [...new Set([zoneOffsetMs(nowMs - DAY_MS, timeZone), zoneOffsetMs(nowMs, timeZone), zoneOffsetMs(nowMs + DAY_MS, timeZone)])];
  if (offsetsNearNow.size > 1000) offsetsNearNow.clear();
  offsetsNearNow.set(timeZone, { atMs: nowMs, offsets });
  return offsets;
}

/**
 * The instant a device's `ts` names: zoned texts as they say, zone-less ones read in `timeZone`.
 * Null when `ts` is not an ISO-8601 date-time.
 * @example deviceClockReadingMs('2026-07-01T14:00:00', 'Europe/Paris', Date.UTC(2026, 6, 1, 12)) // Date.UTC(2026, 6, 1, 12)
 */
export function deviceClockReadingMs(ts: string, timeZone: string, nowMs: number): number | null {
  const parsed = parseOkmTimestamp(ts);
  if (parsed === null) return null;
  if (parsed.kind === 'zoned') return parsed.epochMs;
  let best: number | null = null;
  for (const offset of offsetsAround(nowMs, timeZone)) {
    const candidate = parsed.wallClockMs - offset;
    if (best === null || Math.abs(candidate - nowMs) < Math.abs(best - nowMs)) best = candidate;
  }
  return best;
}
