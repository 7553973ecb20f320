// Many pushes in one transaction, with a fixed number of statements whatever their count: the re-sends
// already stored looked up at once, the new OKMs in one multi-row INSERT (each array a column, through
// unnest), device counters and device state in one statement each, answers one by one (rare), and the
// pending check for every CWM at once. The outcome of each push is the one it would have had alone, in
// the order given.
//
// Re-sends across partitions. Stored OKMs live in partitions by receive time, and a unique index can
// only be per partition (it would have to include received_at to span them). So a re-send is looked
// for first in every partition its lookback reaches back into (dedupLookbackStartMs: a day, or back to
// its `_ts` when that is older, 30 days at most; the lookup bound lets PostgreSQL
// prune the others), and only OKMs not found are inserted; ON CONFLICT DO NOTHING (no target: the
// partition's unique dedup index is the arbiter) then catches a re-send within this batch, or one older
// than the window in the same partition. Two transactions carrying the same OKM (a CWM retrying on
// another node while its first push is still being stored) must not both miss each other: every batch
// first locks the device row of each of its CWMs (the dedup identity includes the CWM), so they run one
// after the other and the second's lookup, a new statement under READ COMMITTED, sees the first's
// committed row. A CWM with no device row (open mode) is held by a transaction-scoped advisory lock on
// its id instead. Row locks then advisory locks, each in id order: batches cannot deadlock on them.

import { dedupLookbackStartMs, type PushOutcome, type PushRecord } from '../../../domain/telemetry-store.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import { ANSWER_RULE_PARAMS, answerMessageSql } from '../rule-sql/answer-match-sql.js';
import { averagedIntervalSql, positionalIntervalParams } from '../rule-sql/typical-interval-sql.js';
import type { SqlRunner, SqlScalar } from './postgres-database.js';
import { dedupDigestSql } from './postgres-okm-partitions.js';

/** Answer matching (domain/answer-matching.ts); the answer OKM linked to the message it answered. */
const ANSWER_MESSAGE = `
  WITH answered AS (
    ${answerMessageSql({
      at: '$1', result: '$2', okm: '$3', cwmId: '$4', okmId: '$5::bigint', targetId: '$6',
      awaitingState: '$7', queuedState: '$8', minQueuedDeliveries: '$9::integer',
    })}
  ), linked AS (
    -- received_at is the stored OKM's own: PostgreSQL looks in its partition only.
    UPDATE okms SET answers_message = answered.id FROM answered WHERE okms.id = $3 AND okms.received_at = $1
  )
  SELECT id FROM answered`;

/** Device rows of every CWM in the batch, locked in one order on every node, before anything else. */
const LOCK_CWMS = 'SELECT id FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE';

/** CWMs of the batch without a device row (open mode), in id order: held in their stead (see above). */
const LOCK_UNREGISTERED_CWMS = `
  SELECT pg_advisory_xact_lock(hashtextextended('opentps okm dedup ' || id, 0)) FROM unnest($1::text[]) AS id`;

/**
 * The stored OKM each re-send repeats, received since its own `since`. `$5`, the earliest `since`, is a
 * plain bound on the partition key: PostgreSQL skips the partitions that end before it. The digest
 * finds the row through each partition's dedup index (okms_legacy's is on the columns themselves).
 */
const FIND_STORED = `
  SELECT o.id, o.cwm_id, o.origin_id, o.dedup_key FROM okms o
  JOIN unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS v(cwm_id, origin_id, dedup_key, since)
    ON ${dedupDigestSql('o.')} = ${dedupDigestSql('v.')}
      AND o.cwm_id = v.cwm_id AND o.origin_id = v.origin_id AND o.dedup_key = v.dedup_key AND o.received_at >= v.since
  WHERE o.received_at >= $5`;

/** ORDER BY ord: identities are drawn in the order given, which maps key-less rows back to their pushes. */
const INSERT_OKMS = `
  INSERT INTO okms (cwm_id, origin_id, received_at, crc_verdict, auth, raw, remote_address, dedup_key)
  SELECT cwm_id, origin_id, received_at, crc_verdict, auth, raw, remote_address, dedup_key
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    WITH ORDINALITY AS v(cwm_id, origin_id, received_at, crc_verdict, auth, raw, remote_address, dedup_key, ord)
  ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING id, cwm_id, origin_id, dedup_key`;

const INTERVAL_PARAMS = positionalIntervalParams(7);

/**
 * Counts the OKMs on their CWMs: `hb` is the time of the one CWM heartbeat applied in this round. The
 * typical interval is the moving average of domain/heartbeat-interval.ts (its numbers bound from $7 on),
 * computed in float8 and truncated as the embedded store does.
 */
const COUNT_ON_CWMS = `
  UPDATE devices SET
    last_seen_at = v.seen,
    last_remote_address = coalesce(v.addr, last_remote_address),
    okm_count = okm_count + v.n,
    crc_failure_count = crc_failure_count + v.bad,
    typical_interval_ms = CASE WHEN v.hb IS NULL OR last_cwm_heartbeat_at IS NULL THEN typical_interval_ms
      ELSE ${averagedIntervalSql(
        {
          clamp: (value, low, high) => `least(greatest(${value}, ${low}), ${high})`,
          truncate: (value) => `trunc(${value})::bigint`,
          param: INTERVAL_PARAMS.spellingParam,
        },
        'v.hb',
      )} END,
    last_cwm_heartbeat_at = coalesce(v.hb, last_cwm_heartbeat_at)
  FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[]) AS v(id, seen, addr, n, bad, hb)
  WHERE devices.id = v.id`;

const UPSERT_STATES = `
  INSERT INTO device_state (device_id, cwm_id, first_seen_at, last_seen_at, last_okm)
  SELECT device_id, cwm_id, first_seen, last_seen, last_okm
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS v(device_id, cwm_id, first_seen, last_seen, last_okm)
  ORDER BY device_id
  ON CONFLICT (device_id) DO UPDATE SET cwm_id = excluded.cwm_id, last_seen_at = excluded.last_seen_at, last_okm = excluded.last_okm
  RETURNING device_id, latest_fields`;

const SET_HEARTBEATS = `
  UPDATE device_state SET last_heartbeat = v.hb, last_heartbeat_at = v.at, latest_fields = v.fields
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS v(device_id, hb, at, fields)
  WHERE device_state.device_id = v.device_id`;

const SELECT_PENDING = `
  SELECT v.cwm_id FROM unnest($1::text[], $2::bigint[]) AS v(cwm_id, now_ms)
  WHERE EXISTS (SELECT 1 FROM messages m WHERE m.cwm_id = v.cwm_id AND m.state = 'queued' AND m.expires_at > v.now_ms)`;

/** What one CWM's pushes in the batch add to its device row. */
interface CwmTally {
  seenAtMs: number;
  remoteAddress: string | null;
  okmCount: number;
  crcFailures: number;
  readonly heartbeatTimes: number[];
}

/** What one origin device's stored OKMs in the batch make of its state row. */
interface OriginTally {
  cwmId: string;
  readonly firstSeenAtMs: number;
  lastSeenAtMs: number;
  lastOkmRowId: number;
  readonly heartbeats: Array<{ readonly atMs: number; readonly fields: Record<string, unknown> }>;
}

function storedKey(cwmId: string, originId: string, dedupKey: string): string {
  return JSON.stringify([cwmId, originId, dedupKey]);
}

function column<T extends SqlScalar>(records: readonly PushRecord[], pick: (record: PushRecord) => T): T[] {
  return records.map(pick);
}

/** Where to look for the stored original of each keyed push: the pushes, and from when on. */
interface StoredLookup {
  readonly records: ReadonlyArray<PushRecord & { readonly dedupKey: string }>;
  readonly sinceMs: readonly number[];
}

/** Adds to `found` the stored OKM each push of the lookup repeats, where there is one. */
async function findStored(tx: SqlRunner, lookup: StoredLookup, found: Map<string, number>): Promise<void> {
  if (lookup.records.length === 0) return;
  const { rows } = await tx.query<{ id: number; cwm_id: string; origin_id: string; dedup_key: string }>(FIND_STORED, [
    column(lookup.records, (r) => r.cwmId), column(lookup.records, (r) => r.originId), column(lookup.records, (r) => r.dedupKey),
    [...lookup.sinceMs], Math.min(...lookup.sinceMs),
  ]);
  for (const row of rows) found.set(storedKey(row.cwm_id, row.origin_id, row.dedup_key), row.id);
}

function hasDedupKey(record: PushRecord): record is PushRecord & { readonly dedupKey: string } {
  return record.dedupKey !== null;
}

/**
 * Stores the pushes; resolves with one outcome per record, in order. Runs inside the caller's transaction.
 * `partitionStartOf` gives the start of the partition a receive time falls in (where a re-send older than
 * the dedup window, caught by that partition's unique index, is looked for).
 */
export async function applyPushBatch(tx: SqlRunner, records: readonly PushRecord[], partitionStartOf: (atMs: number) => number): Promise<PushOutcome[]> {
  const cwmIds = [...new Set(records.map((record) => record.cwmId))].sort();
  const locked = await tx.query<{ id: string }>(LOCK_CWMS, [cwmIds]);
  if (locked.rows.length < cwmIds.length) {
    const registered = new Set(locked.rows.map((row) => row.id));
    await tx.query(LOCK_UNREGISTERED_CWMS, [cwmIds.filter((id) => !registered.has(id))]);
  }

  // Re-sends of OKMs stored by earlier transactions, within the dedup window: not inserted again.
  const keyed = records.filter(hasDedupKey);
  const storedBefore = new Map<string, number>();
  await findStored(tx, { records: keyed, sinceMs: keyed.map(dedupLookbackStartMs) }, storedBefore);
  const toInsert = records.filter((r) => r.dedupKey === null || !storedBefore.has(storedKey(r.cwmId, r.originId, r.dedupKey)));

  const inserted = await tx.query<{ id: number; cwm_id: string; origin_id: string; dedup_key: string | null }>(INSERT_OKMS, [
    column(toInsert, (r) => r.cwmId), column(toInsert, (r) => r.originId), column(toInsert, (r) => r.receivedAtMs),
    column(toInsert, (r) => r.crcVerdict), column(toInsert, (r) => r.auth), column(toInsert, (r) => r.rawOkm),
    column(toInsert, (r) => r.remoteAddress), column(toInsert, (r) => r.dedupKey),
  ]);

  // Which push inserted which row: keyed ones by their key (the first push with a key inserted it, later
  // ones in the batch are re-sends); key-less ones never conflict and got their ids in the order given.
  const insertedByKey = new Map<string, number>();
  const keylessIds: number[] = [];
  for (const row of inserted.rows) {
    if (row.dedup_key === null) keylessIds.push(row.id);
    else insertedByKey.set(storedKey(row.cwm_id, row.origin_id, row.dedup_key), row.id);
  }
  keylessIds.sort((a, b) => a - b);
  // A conflict neither inserted here nor found above: a re-send older than the window, in the same
  // partition (spans longer than the window). Rare: a second lookup, from the partition's start.
  const olderResent = toInsert.filter(hasDedupKey).filter((r) => !insertedByKey.has(storedKey(r.cwmId, r.originId, r.dedupKey)));
  await findStored(tx, { records: olderResent, sinceMs: olderResent.map((r) => partitionStartOf(r.receivedAtMs)) }, storedBefore);

  const claimed = new Set<string>();
  let nextKeyless = 0;
  const placed = records.map((record) => {
    if (record.dedupKey === null) return { storedOkmId: keylessIds[nextKeyless++] ?? 0, isDuplicate: false };
    const key = storedKey(record.cwmId, record.originId, record.dedupKey);
    const insertedId = insertedByKey.get(key);
    if (insertedId !== undefined && !claimed.has(key)) {
      claimed.add(key);
      return { storedOkmId: insertedId, isDuplicate: false };
    }
    return { storedOkmId: insertedId ?? storedBefore.get(key) ?? 0, isDuplicate: true };
  });
  const payloads = records.map((record) => (record.payload === null ? null : JSON.stringify(record.payload)));

  await countOnCwms(tx, records, placed);
  await recordDeviceStates(tx, records, placed);

  const answered: Array<number | null> = [];
  for (const [i, record] of records.entries()) {
    const place = placed[i];
    if (place === undefined || place.isDuplicate || record.answerCandidate === null) {
      answered.push(null);
      continue;
    }
    const { rows } = await tx.query<{ id: number }>(ANSWER_MESSAGE, [
      record.receivedAtMs, payloads[i] ?? '{}', place.storedOkmId, record.cwmId, record.answerCandidate.okmId, record.originId,
      ANSWER_RULE_PARAMS.awaitingState, ANSWER_RULE_PARAMS.queuedState, ANSWER_RULE_PARAMS.minQueuedDeliveries,
    ]);
    answered.push(rows[0]?.id ?? null);
  }

  const latestAt = new Map<string, number>();
  for (const record of records) latestAt.set(record.cwmId, Math.max(latestAt.get(record.cwmId) ?? 0, record.receivedAtMs));
  const pending = await tx.query<{ cwm_id: string }>(SELECT_PENDING, [[...latestAt.keys()], [...latestAt.values()]]);
  const pendingCwms = new Set(pending.rows.map((row) => row.cwm_id));

  return placed.map((place, i) => ({
    storedOkmId: place.storedOkmId,
    isDuplicate: place.isDuplicate,
    answeredMessageId: answered[i] ?? null,
    isPullPending: pendingCwms.has(records[i]?.cwmId ?? ''),
  }));
}

/**
 * Every push counts its CWM as seen; stored ones count as OKMs. The heartbeat interval average needs
 * each CWM heartbeat applied in turn, so a CWM with k heartbeats in the batch takes k rounds (almost
 * always one).
 */
async function countOnCwms(tx: SqlRunner, records: readonly PushRecord[], placed: ReadonlyArray<{ isDuplicate: boolean }>): Promise<void> {
  const tallies = new Map<string, CwmTally>();
  records.forEach((record, i) => {
    const isStored = placed[i]?.isDuplicate === false;
    let tally = tallies.get(record.cwmId);
    if (!tally) {
      tally = { seenAtMs: record.receivedAtMs, remoteAddress: null, okmCount: 0, crcFailures: 0, heartbeatTimes: [] };
      tallies.set(record.cwmId, tally);
    }
    tally.seenAtMs = record.receivedAtMs;
    tally.remoteAddress = record.remoteAddress ?? tally.remoteAddress;
    if (!isStored) return;
    tally.okmCount++;
    if (record.crcVerdict !== 'valid') tally.crcFailures++;
    if (record.heartbeat !== null && record.originId === record.cwmId) tally.heartbeatTimes.push(record.receivedAtMs);
  });
  for (let round = 0; ; round++) {
    const ids: string[] = [];
    const seen: number[] = [];
    const addresses: Array<string | null> = [];
    const counts: number[] = [];
    const failures: number[] = [];
    const heartbeats: Array<number | null> = [];
    for (const [cwmId, tally] of tallies) {
      const heartbeatAt = tally.heartbeatTimes[round] ?? null;
      if (round > 0 && heartbeatAt === null) continue;
      ids.push(cwmId);
      seen.push(tally.seenAtMs);
      addresses.push(round === 0 ? tally.remoteAddress : null);
      counts.push(round === 0 ? tally.okmCount : 0);
      failures.push(round === 0 ? tally.crcFailures : 0);
      heartbeats.push(heartbeatAt);
    }
    if (ids.length === 0) return;
    await tx.query(COUNT_ON_CWMS, [ids, seen, addresses, counts, failures, heartbeats, ...INTERVAL_PARAMS.values]);
  }
}

/** The state row of each origin device with a stored OKM: upserted, then its heartbeats merged in order. */
async function recordDeviceStates(tx: SqlRunner, records: readonly PushRecord[], placed: ReadonlyArray<{ storedOkmId: number; isDuplicate: boolean }>): Promise<void> {
  const tallies = new Map<string, OriginTally>();
  records.forEach((record, i) => {
    const place = placed[i];
    if (place === undefined || place.isDuplicate) return;
    let tally = tallies.get(record.originId);
    if (!tally) {
      tally = { cwmId: record.cwmId, firstSeenAtMs: record.receivedAtMs, lastSeenAtMs: record.receivedAtMs, lastOkmRowId: place.storedOkmId, heartbeats: [] };
      tallies.set(record.originId, tally);
    }
    tally.cwmId = record.cwmId;
    tally.lastSeenAtMs = record.receivedAtMs;
    tally.lastOkmRowId = place.storedOkmId;
    if (record.heartbeat !== null) tally.heartbeats.push({ atMs: record.receivedAtMs, fields: record.heartbeat });
  });
  if (tallies.size === 0) return;
  const entries = [...tallies];
  const { rows } = await tx.query<{ device_id: string; latest_fields: string }>(UPSERT_STATES, [
    entries.map(([originId]) => originId), entries.map(([, t]) => t.cwmId), entries.map(([, t]) => t.firstSeenAtMs),
    entries.map(([, t]) => t.lastSeenAtMs), entries.map(([, t]) => t.lastOkmRowId),
  ]);
  const previousFields = new Map(rows.map((row) => [row.device_id, row.latest_fields]));
  const withHeartbeats = entries.filter(([, t]) => t.heartbeats.length > 0);
  if (withHeartbeats.length === 0) return;
  const ids: string[] = [];
  const lastHeartbeats: string[] = [];
  const times: number[] = [];
  const merged: string[] = [];
  for (const [originId, tally] of withHeartbeats) {
    let fields = readJsonObject(previousFields.get(originId) ?? null) ?? {};
    for (const heartbeat of tally.heartbeats) fields = { ...fields, ...heartbeat.fields };
    const last = tally.heartbeats[tally.heartbeats.length - 1];
    if (!last) continue;
    ids.push(originId);
    lastHeartbeats.push(JSON.stringify(last.fields));
    times.push(last.atMs);
    merged.push(JSON.stringify(fields));
  }
  await tx.query(SET_HEARTBEATS, [ids, lastHeartbeats, times, merged]);
}
