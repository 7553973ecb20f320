// The storage port for upstream OKMs: raw and parsed, stored idempotently, with the device state
// and answer matching they imply applied in the same transaction.

import type { CrcVerdict } from '../protocol/okm-crc.js';

/** How the OKM was authenticated: `hmac` (verified), or, in `open` mode only, why it was let in. */
export type AuthVerdict = 'hmac' | 'unsigned' | 'bad-signature' | 'unknown-device';

export interface PushRecord {
  readonly cwmId: string;
  readonly originId: string;
  readonly cmd: string | null;
  readonly okmId: number | null;
  readonly ts: string | null;
  /** The instant of `_ts` when it carries a zone; for a zone-less `_ts`, its wall clock read as UTC. */
  readonly tsEpochMs: number | null;
  readonly isTsLocal: boolean;
  readonly receivedAtMs: number;
  readonly crcVerdict: CrcVerdict;
  readonly crcReceived: string | null;
  readonly crcExpected: string | null;
  readonly auth: AuthVerdict;
  readonly rawOkm: string;
  readonly payload: Record<string, unknown> | null;
  readonly envelope: Record<string, unknown>;
  readonly remoteAddress: string | null;
  /** Identity of a re-sent OKM; null when the OKM has no `_id` and so cannot be recognised again. */
  readonly dedupKey: string | null;
  /** The heartbeat object (`_pld._hbt`) when the OKM is a heartbeat. */
  readonly heartbeat: Record<string, unknown> | null;
  /** Set when this OKM may answer a delivered message (same `_id`, from the addressed device). */
  readonly answerCandidate: { readonly okmId: number } | null;
}

export interface PushOutcome {
  readonly storedOkmId: number;
  readonly isDuplicate: boolean;
  /** The queue entry this OKM answered, if any. */
  readonly answeredMessageId: number | null;
  readonly isPullPending: boolean;
}

export interface StoredOkm {
  readonly id: number;
  readonly cwmId: string;
  readonly originId: string;
  readonly cmd: string | null;
  readonly okmId: number | null;
  readonly ts: string | null;
  readonly receivedAtMs: number;
  readonly crcVerdict: CrcVerdict;
  readonly auth: AuthVerdict;
  readonly rawOkm: string;
  readonly payload: Record<string, unknown> | null;
}

export interface OkmQuery {
  readonly cwmId?: string;
  readonly originId?: string;
  readonly limit: number;
}

/** One bucket of a downsampled numeric series. */
export interface SeriesPoint {
  readonly bucketStartMs: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly count: number;
}

export interface SeriesQuery {
  readonly originId: string;
  /** A heartbeat field name (letters, digits, `_`; checked by the caller). */
  readonly field: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketMs: number;
}

/**
 * How long after an OKM was first received a re-send of it (same dedup identity) is still recognised and
 * acknowledged without being stored again, whatever its `_ts` says. Stored OKMs live in time partitions
 * (by receive time); the check looks into every partition its lookback reaches (dedupLookbackStartMs), so
 * it stays cheap however many partitions are kept. A CWM re-sends an OKM when its acknowledgement was lost,
 * within seconds or minutes: a day is generous.
 */
export const DEDUP_WINDOW_MS = 24 * 3_600_000;

/** The furthest back a re-send is looked for, whatever its `_ts` (a device whose clock was reset to 2000 does not make every push search every partition). */
export const MAX_DEDUP_LOOKBACK_MS = 30 * 24 * 3_600_000;

/**
 * From which receive time an earlier copy of this OKM is looked for. An OKM was first received at or after
 * its own `_ts` (give or take the device's clock, and a day for a `_ts` without zone, read as UTC): so a
 * re-send, or a push replayed days later, carries a `_ts` that says how far back its first copy is. A
 * fresh OKM costs one day's look; one whose `_ts` is days old, a look back to then; never more than
 * MAX_DEDUP_LOOKBACK_MS.
 */
export function dedupLookbackStartMs(record: Pick<PushRecord, 'receivedAtMs' | 'tsEpochMs'>): number {
  const claimedMs = record.tsEpochMs === null ? record.receivedAtMs : Math.min(record.receivedAtMs, record.tsEpochMs);
  return Math.max(claimedMs - DEDUP_WINDOW_MS, record.receivedAtMs - MAX_DEDUP_LOOKBACK_MS);
}

/** The default span of one OKM partition. */
export const DEFAULT_PARTITION_SPAN_MS = 24 * 3_600_000;

/** One time partition of stored OKMs: those received in [startMs, endMs). */
export interface TelemetryPartition {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  /** About how many OKMs it holds: an estimate where an exact count would cost a scan of its rows. */
  readonly approxOkms: number;
}

/** What one retention pass removed. */
export interface TelemetryDropReport {
  readonly partitions: number;
  readonly approxOkms: number;
}

export interface TelemetryStore {
  /** Creates the partitions that receive times in [nowMs, nowMs + one span] fall in, so inserts do not wait on DDL. */
  preparePartitions(nowMs: number): Promise<void>;
  /** Every OKM partition, oldest first. */
  listTelemetryPartitions(): Promise<TelemetryPartition[]>;
  /**
   * Removes every OKM partition whose range ends at or before cutoffMs, a whole partition at a time
   * (O(partitions), never a scan of rows), with device traffic going on; reports what it removed.
   */
  dropTelemetryBefore(cutoffMs: number): Promise<TelemetryDropReport>;
  /** min/max/avg per time bucket of `_pld._hbt.<field>` over the OKMs of one origin device (by receive time). */
  querySeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** OKMs received per minute in [fromMs, toMs), all devices: [minute start, count], oldest first, empty minutes omitted. */
  countOkmsPerMinute(fromMs: number, toMs: number): Promise<Array<[number, number]>>;
  /** The raw OKMs a CWM carried in [fromMs, toMs), oldest first. */
  listOkmsInRange(cwmId: string, fromMs: number, toMs: number, limit: number): Promise<StoredOkm[]>;
  /** Stores the OKM durably (once per dedup key) and updates the device state; resolves after commit. */
  recordPush(record: PushRecord): Promise<PushOutcome>;
  /** The newest `limit` OKMs of the CWM (or origin device, or all), newest last. */
  listOkms(query: OkmQuery): Promise<StoredOkm[]>;
  countOkms(cwmId: string): Promise<number>;
}
