// Parses the OKM `_ts` (and `req.ts`): ISO-8601, with a zone (`Z`, `+hh:mm`) or without one, which
// the vendor's own example does (PROTOCOL.md A2). A zone-less time is kept as local wall time.

export type OkmTimestamp =
  | { readonly kind: 'zoned'; readonly epochMs: number }
  | { readonly kind: 'local'; readonly wallClockMs: number };

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a protocol timestamp; returns null when it is not an ISO-8601 date-time or names an impossible date.
 * `zoned` carries the instant; `local` carries the wall-clock fields encoded as if they were UTC.
 * @example parseOkmTimestamp('2019-12-26T14:40:00') // { kind: 'local', wallClockMs: 1577371200000 }
 */
export function parseOkmTimestamp(text: string): OkmTimestamp | null {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  // Not Date.UTC: it maps years 0-99 to 1900-1999, so "0050-01-01" would silently become 1950.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), millis);
  const wallClockMs = date.getTime();
  // setUTCFullYear rolls 2021-02-30 over into March; refuse it instead.
  if (new Date(wallClockMs).getUTCDate() !== day) return null;
  const zone = m[8];
  if (zone === undefined) return { kind: 'local', wallClockMs };
  if (zone === 'Z' || zone === 'z') return { kind: 'zoned', epochMs: wallClockMs };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  return { kind: 'zoned', epochMs: wallClockMs - sign * (offsetHours * 60 + offsetMinutes) * 60_000 };
}

/** An instant as the protocol's UTC form with seconds precision: `2020-09-21T17:20:58Z`. */
export function formatUtcTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
