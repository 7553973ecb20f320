// A reading that costs a store query, taken at most once per interval however often it is asked for:
// scrapes in between (several Prometheus servers, a dashboard polling every second) get the last one.

/** Asks for the reading; concurrent and repeated asks within `maxAgeMs` share one read. */
export type CachedReading<T> = () => Promise<T>;

export interface CachedReadingOptions<T> {
  readonly read: () => Promise<T>;
  /** How long a reading (or its failure: a store that is down is not asked on every scrape) is served again. */
  readonly maxAgeMs: number;
  readonly nowMs: () => number;
}

/**
 * @example const devices = createCachedReading({ read: () => store.countDevicesByStatus(Date.now()), maxAgeMs: 10_000, nowMs: Date.now });
 */
export function createCachedReading<T>(options: CachedReadingOptions<T>): CachedReading<T> {
  let last: { readonly reading: Promise<T>; readonly startedAtMs: number } | null = null;
  return () => {
    const nowMs = options.nowMs();
    if (last === null || nowMs - last.startedAtMs >= options.maxAgeMs) {
      const reading = options.read();
      // Failures are handed to whoever asked; this keeps the stored promise from counting as unhandled.
      reading.catch(() => undefined);
      last = { reading, startedAtMs: nowMs };
    }
    return last.reading;
  };
}
