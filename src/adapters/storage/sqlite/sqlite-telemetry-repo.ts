// Upstream OKMs in the embedded store: one idempotent insert per push into the time partition of its
// receive time (sqlite-okm-partitions.ts), with the answer matching it implies, in the same transaction;
// the device row and state it changes are gathered once it committed and written behind (device-activity.ts).
// Reads span the partitions a query's range reaches.

import type { Database } from 'better-sqlite3';
import { dedupLookbackStartMs, type PushOutcome, type PushRecord, type SeriesPoint, type TelemetryStore } from '../../../domain/telemetry-store.js';
import { numericValueOf } from '../../../domain/field-stats.js';
import type { WriteBatcher } from './write-batcher.js';
import { ANSWER_RULE_PARAMS, answerMessageSql } from '../rule-sql/answer-match-sql.js';
import { toStoredOkm, type OkmRow } from '../stored-rows/okm-row.js';
import { dedupDigest, dictionaryFromSamples, encodeBody, packVerdicts } from './compact-okm-codec.js';
import type { DeviceRefs } from './device-refs.js';
import type { DeviceActivityBuffer } from '../../../domain/device-activity.js';
import { preparePartitionStatements, type DeviceKey, type PartitionStatements } from './okm-partition-statements.js';
import { openOkmPartitionCatalog, type OkmPartition } from './sqlite-okm-partitions.js';

/** OKMs of the newest partition the next partition's dictionary is made of. */
const DICTIONARY_SAMPLES = 24;
const HOUR_MS = 3_600_000;

/**
 * The most OKMs a partition should hold. Retention drops a whole partition with DROP TABLE, which in SQLite
 * frees the table's pages one by one with writes held: measured 160 ms for a 176 MB table of 1,000,000
 * compact OKMs (page cache warm), so a day of a 30,000-CWM fleet (~100 M OKMs, ~19 GB) would hold writes
 * for ~17 s. So when the last complete partition held more than this, the next ones span fewer hours
 * (down to one): 4 M OKMs is ~0.7 GB, a drop of about 0.6 s.
 */
export const DEFAULT_TARGET_PARTITION_OKMS = 4_000_000;

export function createSqliteTelemetryRepo(
  db: Database,
  batcher: WriteBatcher,
  hasPendingNow: (cwmId: string, nowMs: number) => boolean,
  partitionSpanMs: number,
  refs: DeviceRefs,
  activity: DeviceActivityBuffer,
  targetPartitionOkms = DEFAULT_TARGET_PARTITION_OKMS,
): TelemetryStore {
  const catalog = openOkmPartitionCatalog(db, partitionSpanMs);
  const statementsByName = new Map<string, PartitionStatements>();
  const statementsOf = (partition: OkmPartition): PartitionStatements => {
    let statements = statementsByName.get(partition.name);
    if (!statements) {
      statements = preparePartitionStatements(db, partition, refs);
      statementsByName.set(partition.name, statements);
    }
    return statements;
  };
  /** After the catalog changed: statements of partitions that are gone go too. */
  const reloadCatalog = (): void => {
    catalog.reload();
    const names = new Set(catalog.all().map((p) => p.name));
    for (const name of statementsByName.keys()) if (!names.has(name)) statementsByName.delete(name);
  };
  // Ids increase across partitions: one counter for all, from the largest id stored. A rolled-back write
  // leaves a gap, nothing worse.
  let lastOkmRowId = catalog.all().reduce((max, p) => Math.max(max, statementsOf(p).maxId()), 0);

  type AnswerParams = { at: number; result: string; okm: number; cwmId: string; okmId: number; targetId: string } & typeof ANSWER_RULE_PARAMS;
  const answerMessage = db.prepare<[AnswerParams], { id: number }>(answerMessageSql({
    at: '@at', result: '@result', okm: '@okm', cwmId: '@cwmId', okmId: '@okmId', targetId: '@targetId',
    awaitingState: '@awaitingState', queuedState: '@queuedState', minQueuedDeliveries: '@minQueuedDeliveries',
  }));

  /** The dictionary of a partition starting at startMs: recent OKMs of the newest compact partition before it. */
  function dictionaryFor(startMs: number): Buffer {
    const previous = catalog.all().filter((p) => p.layout === 'compact' && p.startMs < startMs).at(-1);
    return dictionaryFromSamples(previous ? statementsOf(previous).recentBodyTexts(DICTIONARY_SAMPLES) : []);
  }

  /**
   * The configured span, or fewer whole hours when the newest complete partition held more OKMs than the
   * target at the rate it saw; it grows back (doubling) once the rate falls.
   */
  function spanFor(atMs: number): number {
    const previous = catalog.all().filter((p) => p.layout === 'compact' && p.endMs <= atMs).at(-1);
    if (!previous) return partitionSpanMs;
    const previousSpan = previous.endMs - previous.startMs;
    // Its rate over the time it has been filled (the next partition is made ahead, while this one still
    // fills); under ten minutes of it says too little, and its whole span is taken instead.
    const statements = statementsOf(previous);
    const filledMs = Math.min(previousSpan, (statements.newestReceivedAt() ?? previous.startMs) - previous.startMs);
    const okmsPerHour = statements.approxCount() / ((filledMs < 600_000 ? previousSpan : filledMs) / HOUR_MS);
    const fitting = okmsPerHour === 0 ? Number.POSITIVE_INFINITY : Math.floor(targetPartitionOkms / okmsPerHour) * HOUR_MS;
    const grown = Math.max(HOUR_MS, Math.floor(previousSpan / HOUR_MS) * HOUR_MS) * 2;
    return Math.max(HOUR_MS, Math.min(partitionSpanMs, fitting, grown));
  }
  const newPartition = { dictionaryFor, spanFor };

  interface Applied {
    readonly outcome: PushOutcome;
    readonly madePartition: boolean;
    readonly refs: ReadonlyArray<readonly [string, number]>;
  }

  function applyPush(record: PushRecord): Applied {
    const { partition, isNew } = catalog.forInsert(record.receivedAtMs, newPartition);
    const target = statementsOf(partition);
    const probe = record.dedupKey === null
      ? null
      : { cwmId: record.cwmId, originId: record.originId, dedupKey: record.dedupKey, digest: dedupDigest(record.cwmId, record.originId, record.dedupKey) };
    // A re-send received after a partition boundary: its first copy is in an earlier partition, within the window.
    let duplicateOf: number | null = null;
    if (probe !== null) {
      for (const candidate of catalog.dedupCandidates(record.receivedAtMs, dedupLookbackStartMs(record))) {
        if (candidate.name === partition.name) continue;
        duplicateOf = statementsOf(candidate).findDuplicate(probe);
        if (duplicateOf !== null) break;
      }
    }
    const cwmRef = refs.refOf(record.cwmId);
    const originRef = record.originId === record.cwmId ? cwmRef : refs.refOf(record.originId);
    const madeRefs: Array<readonly [string, number]> = [[record.cwmId, cwmRef], [record.originId, originRef]];
    const okmRowId = lastOkmRowId + 1;
    const isInserted = duplicateOf === null && target.insert({
      id: okmRowId,
      receivedAtMs: record.receivedAtMs,
      cwmRef,
      originRef,
      flags: packVerdicts(record.crcVerdict, record.auth),
      dedup: probe?.digest ?? null,
      body: encodeBody({ envelope: record.envelope, remoteAddress: record.remoteAddress, rawOkm: record.rawOkm }, partition.dictionary),
    });
    if (!isInserted) {
      // A re-sent OKM: acknowledge again, store nothing new (the device was seen: noted once committed).
      const existing = duplicateOf ?? (probe === null ? null : target.findDuplicate(probe));
      return {
        outcome: { storedOkmId: existing ?? 0, isDuplicate: true, answeredMessageId: null, isPullPending: hasPendingNow(record.cwmId, record.receivedAtMs) },
        madePartition: isNew,
        refs: madeRefs,
      };
    }
    lastOkmRowId = okmRowId;
    let answeredMessageId: number | null = null;
    if (record.answerCandidate !== null) {
      const answered = answerMessage.get({
        at: record.receivedAtMs,
        result: record.payload === null ? '{}' : JSON.stringify(record.payload),
        okm: okmRowId,
        cwmId: record.cwmId,
        okmId: record.answerCandidate.okmId,
        targetId: record.originId,
        ...ANSWER_RULE_PARAMS,
      });
      if (answered) {
        answeredMessageId = answered.id;
        target.linkAnswer(okmRowId, answered.id);
      }
    }
    return {
      outcome: { storedOkmId: okmRowId, isDuplicate: false, answeredMessageId, isPullPending: hasPendingNow(record.cwmId, record.receivedAtMs) },
      madePartition: isNew,
      refs: madeRefs,
    };
  }

  const deviceKey = (id: string): DeviceKey => ({ id, ref: refs.findRef(id) });
  /** The newest `limit` rows of every partition, merged by id (newest last). */
  const newestOf = (collect: (statements: PartitionStatements) => OkmRow[], limit: number): OkmRow[] =>
    catalog.all().flatMap((p) => collect(statementsOf(p))).sort((a, b) => a.id - b.id).slice(-limit);

  return {
    recordPush(record) {
      return batcher.run(() => applyPush(record)).then(
        (applied) => {
          for (const [deviceId, ref] of applied.refs) refs.remember(deviceId, ref);
          // Device rows and states follow the committed OKM, written behind (device-activity.ts).
          if (applied.outcome.isDuplicate) activity.noteSeen(record.cwmId, record.receivedAtMs, record.remoteAddress);
          else activity.noteStored(record, applied.outcome.storedOkmId);
          if (applied.madePartition) reloadCatalog();
          return applied.outcome;
        },
        (error: unknown) => {
          // A partition made in a transaction that did not commit must not stay listed.
          reloadCatalog();
          throw error;
        },
      );
    },
    async preparePartitions(nowMs) {
      // The partition for now, then the one after it (whatever span it gets).
      let atMs = nowMs;
      for (let i = 0; i < 2; i++) {
        let partition = catalog.all().find((p) => p.layout === 'compact' && p.startMs <= atMs && atMs < p.endMs);
        if (!partition) {
          try {
            partition = (await batcher.run(() => catalog.forInsert(atMs, newPartition))).partition;
          } finally {
            reloadCatalog();
          }
        }
        atMs = partition.endMs;
      }
    },
    async listTelemetryPartitions() {
      return catalog.all().map((p) => ({ name: p.name, startMs: p.startMs, endMs: p.endMs, approxOkms: statementsOf(p).approxCount() }));
    },
    async dropTelemetryBefore(cutoffMs) {
      let partitions = 0;
      let approxOkms = 0;
      // One partition per write transaction: pushes queued meanwhile are committed between two drops.
      for (const partition of catalog.all().filter((p) => p.endMs <= cutoffMs)) {
        const count = statementsOf(partition).approxCount();
        try {
          await batcher.run(() => catalog.drop(partition));
        } finally {
          reloadCatalog();
        }
        partitions++;
        approxOkms += count;
      }
      return { partitions, approxOkms };
    },
    async listOkms(query) {
      const limit = query.limit;
      const cwm = query.cwmId === undefined ? null : deviceKey(query.cwmId);
      const origin = query.originId === undefined ? null : deviceKey(query.originId);
      const rows = newestOf((s) =>
        cwm !== null && origin !== null ? s.newestByCwmAndOrigin(cwm, origin, limit)
          : origin !== null ? s.newestByOrigin(origin, limit)
          : cwm !== null ? s.newestByCwm(cwm, limit)
          : s.newest(limit), limit);
      return rows.map(toStoredOkm);
    },
    async querySeries(query) {
      const origin = deviceKey(query.originId);
      const buckets = new Map<number, { min: number; max: number; sum: number; count: number }>();
      for (const partition of catalog.overlapping(query.fromMs, query.toMs)) {
        for (const [receivedAtMs, payload] of statementsOf(partition).payloadsOfOrigin(origin, query.fromMs, query.toMs)) {
          const value = numericHeartbeatField(payload, query.field);
          if (value === null) continue;
          const bucket = Math.floor((receivedAtMs - query.fromMs) / query.bucketMs);
          const current = buckets.get(bucket);
          if (current) {
            current.min = Math.min(current.min, value);
            current.max = Math.max(current.max, value);
            current.sum += value;
            current.count++;
          } else {
            buckets.set(bucket, { min: value, max: value, sum: value, count: 1 });
          }
        }
      }
      return [...buckets.entries()].sort(([a], [b]) => a - b).map(([bucket, b]): SeriesPoint => ({
        bucketStartMs: query.fromMs + bucket * query.bucketMs, min: b.min, max: b.max, avg: b.sum / b.count, count: b.count,
      }));
    },
    async countOkmsPerMinute(fromMs, toMs) {
      const perMinute = new Map<number, number>();
      for (const partition of catalog.overlapping(fromMs, toMs)) {
        for (const { m, n } of statementsOf(partition).countPerMinute(fromMs, toMs)) perMinute.set(m, (perMinute.get(m) ?? 0) + n);
      }
      return [...perMinute.entries()].sort(([a], [b]) => a - b).map(([m, n]) => [m * 60_000, n] as [number, number]);
    },
    async listOkmsInRange(cwmId, fromMs, toMs, limit) {
      const cwm = deviceKey(cwmId);
      const rows: OkmRow[] = [];
      for (const partition of catalog.overlapping(fromMs, toMs)) rows.push(...statementsOf(partition).rangeByCwm(cwm, fromMs, toMs, limit));
      return rows.sort((a, b) => a.id - b.id).slice(0, limit).map(toStoredOkm);
    },
    async countOkms(cwmId) {
      const cwm = deviceKey(cwmId);
      return catalog.all().reduce((total, p) => total + statementsOf(p).countByCwm(cwm), 0);
    },
  };
}

/** A heartbeat field of a payload as a number (numericValueOf), null when the OKM has no such field. */
function numericHeartbeatField(payload: Record<string, unknown> | null, field: string): number | null {
  const heartbeat = payload?.['_hbt'];
  if (typeof heartbeat !== 'object' || heartbeat === null || Array.isArray(heartbeat) || !Object.hasOwn(heartbeat, field)) return null;
  return numericValueOf((heartbeat as Record<string, unknown>)[field]);
}
