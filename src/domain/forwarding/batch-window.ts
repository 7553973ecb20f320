// How a webhook destination's events are cut into batches (issue 17: "JSON batches (size and age bounded)"): a
// batch goes out when it holds `maxEvents`, when its body would pass `maxBytes`, or when its oldest event has
// waited `maxAgeMs`. Pure: the forwarder asks what to send now from what its cursor has read.

export interface BatchLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

export const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

export interface SizedEvent {
  /** When the event was read (its wait starts then). */
  readonly readAtMs: number;
  /** Its JSON's length in bytes. */
  readonly bytes: number;
}

/**
 * How many of `pending` (oldest first) to send now: a full batch as soon as there is one; the rest once the
 * oldest has waited `maxAgeMs`; 0 to wait. An event larger than `maxBytes` alone still goes, alone.
 */
export function eventsToSend(pending: readonly SizedEvent[], limits: BatchLimits, nowMs: number): number {
  if (pending.length === 0) return 0;
  let count = 0;
  let bytes = 2;
  for (const event of pending) {
    if (count === limits.maxEvents || (count > 0 && bytes + event.bytes + 1 > limits.maxBytes)) return count;
    bytes += event.bytes + (count > 0 ? 1 : 0);
    count++;
  }
  const oldest = pending[0];
  return oldest !== undefined && nowMs - oldest.readAtMs >= limits.maxAgeMs ? count : 0;
}
