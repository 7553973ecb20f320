// Folds each stored OKM into rollups (issue 12) as it is acknowledged: the heartbeat is already parsed at
// that point, so folding costs a few map updates and no read of stored OKMs. Statistics gather in memory per
// origin device and minute; every few seconds the minutes that have ended are written, as minute rows and
// merged into hour rows, in chunks (each its own write, so device writes interleave).
//
// What a crash costs: the statistics of the minutes not yet written (at most the last FLUSH_EVERY_MS plus the
// minute in progress) are missing from the rollups; the raw OKMs, the record, are all there. Writes merge
// (min, max, sum, count), so several nodes of a cluster fold into the same rows, each its own pushes.

import { mergeStatsInto, numericFieldsOf, statsOf } from './field-stats.js';
import { BUCKET_MS, type FieldStats, type RollupDelta, type RollupStore } from './rollup-store.js';

/**
 * Deltas per write transaction: pushes wait behind one, so it is the longest wait a flush adds (250: push p99
 * 67 ms at 60,000 CWMs, against 203 ms with 2,000 and device chunks of 500; see DEVICE_ACTIVITY_CHUNK).
 */
export const ROLLUP_CHUNK = 250;
/** A minute is written once it ended this long ago: a push received in it but committed late still joins it. */
export const MINUTE_GRACE_MS = 2000;
/** Buckets kept in memory at most while the store refuses writes; past it the oldest are dropped and counted. */
const MAX_PENDING_BUCKETS = 2_000_000;

interface MinuteBucket {
  readonly originId: string;
  readonly minuteMs: number;
  readonly fields: Map<string, FieldStats>;
  /** Already merged into its hour row (a write that failed after the hours were written must not add it again). */
  isInHour: boolean;
}

export interface RollupFlushReport {
  readonly minuteRows: number;
  readonly hourRows: number;
}

export interface RollupFolder {
  /** Folds one stored OKM (never a re-sent one): counted for the fleet, its heartbeat's numeric fields for its origin device. */
  add(originId: string, receivedAtMs: number, heartbeat: Readonly<Record<string, unknown>> | null): void;
  /** Writes the minutes that ended before `nowMs - MINUTE_GRACE_MS`. */
  flush(nowMs: number): Promise<RollupFlushReport>;
  /** Writes every minute held, the current one included (at shutdown). */
  flushAll(): Promise<RollupFlushReport>;
  /**
   * Rollups hold this node's OKMs received before this instant (a minute boundary); later ones are only in
   * memory yet. Starts at the minute the folder was made (a node stopping writes all it has).
   */
  readonly writtenThroughMs: number;
  /** Origin-device minutes waiting to be written. */
  readonly pendingBuckets: number;
  /** Buckets dropped because the store refused writes for too long. */
  readonly droppedBuckets: number;
}

export function createRollupFolder(store: Pick<RollupStore, 'mergeRollups'>, startedAtMs: number): RollupFolder {
  let writtenThroughMs = Math.floor(startedAtMs / BUCKET_MS.minute) * BUCKET_MS.minute;
  let minutes = new Map<string, MinuteBucket>();
  let fleet = new Map<number, number>();
  let isFlushing = false;
  let droppedBuckets = 0;

  function addStats(target: Map<string, FieldStats>, name: string, stats: FieldStats): void {
    const current = target.get(name);
    if (current) mergeStatsInto(current, stats);
    else target.set(name, { ...stats });
  }

  /** Buckets and fleet counts a failed write took out: written first by the next flush, as they are. */
  let retry: MinuteBucket[] = [];
  let retryFleet = new Map<number, number>();

  function putBack(buckets: MinuteBucket[], fleetCounts: Map<number, number>): void {
    retry.push(...buckets);
    for (const [minuteMs, n] of fleetCounts) retryFleet.set(minuteMs, (retryFleet.get(minuteMs) ?? 0) + n);
    if (retry.length > MAX_PENDING_BUCKETS) {
      const excess = retry.length - MAX_PENDING_BUCKETS;
      retry.sort((a, b) => a.minuteMs - b.minuteMs);
      retry = retry.slice(excess);
      droppedBuckets += excess;
    }
  }

  /** The hour deltas of some minute buckets (those not merged into their hour yet), with the buckets each came from. */
  function hoursOf(buckets: readonly MinuteBucket[]): Array<{ delta: RollupDelta & { fields: Map<string, FieldStats> }; from: MinuteBucket[] }> {
    const hours = new Map<string, { delta: RollupDelta & { fields: Map<string, FieldStats> }; from: MinuteBucket[] }>();
    for (const bucket of buckets) {
      if (bucket.isInHour) continue;
      const hourMs = Math.floor(bucket.minuteMs / BUCKET_MS.hour) * BUCKET_MS.hour;
      const key = `${bucket.originId}\u0000${hourMs}`;
      let hour = hours.get(key);
      if (!hour) {
        hour = { delta: { originId: bucket.originId, bucketStartMs: hourMs, fields: new Map() }, from: [] };
        hours.set(key, hour);
      }
      for (const [name, stats] of bucket.fields) addStats(hour.delta.fields, name, stats);
      hour.from.push(bucket);
    }
    return [...hours.values()];
  }

  /**
   * Chunk by chunk of minute buckets: the chunk's hour rows, then its minute rows. Each chunk is a short
   * write with a turn of the event loop around it (at 100,000 devices, building every hour delta first held
   * the loop for about a second). Each bucket remembers what of it was written, so a failure puts back only
   * the rest and nothing is counted twice. A device's minutes of one flush may fall in two chunks: its hour
   * row is then merged twice, which adds up the same.
   */
  async function write(taken: MinuteBucket[], takenFleet: Map<number, number>): Promise<RollupFlushReport> {
    let minuteRows = 0;
    let hourRows = 0;
    let written = 0;
    let isFleetWritten = takenFleet.size === 0;
    const withFields = taken.filter((b) => b.fields.size > 0);
    try {
      for (; written < withFields.length || !isFleetWritten; written += ROLLUP_CHUNK) {
        const chunk = withFields.slice(written, written + ROLLUP_CHUNK);
        const hours = hoursOf(chunk);
        if (hours.length > 0) {
          await store.mergeRollups('hour', hours.map((h) => h.delta), new Map());
          for (const hour of hours) for (const bucket of hour.from) bucket.isInHour = true;
          hourRows += hours.length;
        }
        await store.mergeRollups('minute', chunk.map((b): RollupDelta => ({ originId: b.originId, bucketStartMs: b.minuteMs, fields: b.fields })), isFleetWritten ? new Map() : takenFleet);
        isFleetWritten = true;
        minuteRows += chunk.length;
      }
    } catch (error) {
      putBack(withFields.slice(written), isFleetWritten ? new Map() : takenFleet);
      throw error;
    }
    return { minuteRows, hourRows };
  }

  /** Writes the minutes that started at or before `endedBefore` (+Infinity: every one, at shutdown). */
  async function flushEndedBefore(endedBefore: number): Promise<RollupFlushReport> {
    if (isFlushing) return { minuteRows: 0, hourRows: 0 };
    isFlushing = true;
    const taken = retry;
    const takenFleet = retryFleet;
    retry = [];
    retryFleet = new Map();
    const kept = new Map<string, MinuteBucket>();
    for (const [key, bucket] of minutes) {
      if (bucket.minuteMs <= endedBefore) taken.push(bucket);
      else kept.set(key, bucket);
    }
    minutes = kept;
    const keptFleet = new Map<number, number>();
    for (const [minuteMs, n] of fleet) {
      if (minuteMs <= endedBefore) takenFleet.set(minuteMs, (takenFleet.get(minuteMs) ?? 0) + n);
      else keptFleet.set(minuteMs, n);
    }
    fleet = keptFleet;
    try {
      const report = await write(taken, takenFleet);
      if (Number.isFinite(endedBefore)) writtenThroughMs = Math.max(writtenThroughMs, Math.floor(endedBefore / BUCKET_MS.minute) * BUCKET_MS.minute + BUCKET_MS.minute);
      return report;
    } finally {
      isFlushing = false;
    }
  }

  return {
    add(originId, receivedAtMs, heartbeat) {
      const minuteMs = Math.floor(receivedAtMs / BUCKET_MS.minute) * BUCKET_MS.minute;
      fleet.set(minuteMs, (fleet.get(minuteMs) ?? 0) + 1);
      if (heartbeat === null) return;
      const fields = numericFieldsOf(heartbeat);
      if (fields.length === 0) return;
      const key = `${originId}\u0000${minuteMs}`;
      let bucket = minutes.get(key);
      if (!bucket) {
        bucket = { originId, minuteMs, fields: new Map(), isInHour: false };
        minutes.set(key, bucket);
      }
      for (const [name, value] of fields) {
        const current = bucket.fields.get(name);
        if (current) mergeStatsInto(current, statsOf(value));
        else bucket.fields.set(name, statsOf(value));
      }
    },
    flush(nowMs) {
      return flushEndedBefore(nowMs - MINUTE_GRACE_MS - BUCKET_MS.minute);
    },
    flushAll() {
      return flushEndedBefore(Number.POSITIVE_INFINITY);
    },
    get writtenThroughMs() {
      return writtenThroughMs;
    },
    get pendingBuckets() {
      return minutes.size + retry.length;
    },
    get droppedBuckets() {
      return droppedBuckets;
    },
  };
}
