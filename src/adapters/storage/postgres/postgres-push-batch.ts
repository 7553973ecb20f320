// Many pushes in one transaction, with a fixed number of statements whatever their count: the OKMs in
// one multi-row INSERT (each array a column, through unnest), device counters and device state in one
// statement each, answers one by one (rare), and the pending check for every CWM at once. The outcome
// of each push is the one it would have had alone, in the order given.

import type { PushOutcome, PushRecord } from '../../../domain/telemetry-store.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import type { SqlRunner, SqlScalar } from './postgres-database.js';

/**
 * A message still `queued` but already handed to a /pull response (delivery_count > 0) counts too: the
 * device can answer before the server has seen that response's 'finish', and an answer proves delivery.
 * The state test is repeated on the outer UPDATE so that it is re-checked on the row as locked.
 */
export const ANSWER_MESSAGE = `
  WITH answered AS (
    UPDATE messages SET state = 'answered', answered_at = $1, result = $2, answer_okm = $3, ended_at = $1,
      lease_until = NULL, delivered_at = coalesce(delivered_at, $1)
    WHERE id = (SELECT id FROM messages WHERE cwm_id = $4 AND okm_id = $5::bigint AND target_id = $6
                  AND (state = 'delivered' OR (state = 'queued' AND delivery_count > 0))
                ORDER BY id DESC LIMIT 1)
      AND (state = 'delivered' OR (state = 'queued' AND delivery_count > 0))
    RETURNING id
  ), linked AS (
    UPDATE okms SET answers_message = answered.id FROM answered WHERE okms.id = $3
  )
  SELECT id FROM answered`;

/** Device rows of every CWM in the batch, locked in one order on every node, before anything else. */
const LOCK_CWMS = 'SELECT id FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE';

/** ORDER BY ord: identities are drawn in the order given, which maps key-less rows back to their pushes. */
const INSERT_OKMS = `
  INSERT INTO okms (cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
    crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key)
  SELECT cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
    crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key
  FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::boolean[], $8::bigint[],
              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
    WITH ORDINALITY AS v(cwm_id, origin_id, cmd, okm_id, ts, ts_epoch_ms, is_ts_local, received_at, crc_verdict,
      crc_received, crc_expected, auth, raw, payload, envelope, remote_address, dedup_key, ord)
  ORDER BY ord
  ON CONFLICT ON CONSTRAINT okms_dedup DO NOTHING
  RETURNING id, cwm_id, origin_id, dedup_key`;

const FIND_STORED = `
  SELECT o.id, o.cwm_id, o.origin_id, o.dedup_key FROM okms o
  JOIN unnest($1::text[], $2::text[], $3::text[]) AS v(cwm_id, origin_id, dedup_key)
    ON o.cwm_id = v.cwm_id AND o.origin_id = v.origin_id AND o.dedup_key = v.dedup_key`;

/** As COUNT_ON_CWM, for many CWMs: `hb` is the time of the one CWM heartbeat applied in this round. */
const COUNT_ON_CWMS = `
  UPDATE devices SET
    last_seen_at = v.seen,
    last_remote_address = coalesce(v.addr, last_remote_address),
    okm_count = okm_count + v.n,
    crc_failure_count = crc_failure_count + v.bad,
    typical_interval_ms = CASE WHEN v.hb IS NULL OR last_cwm_heartbeat_at IS NULL THEN typical_interval_ms
      ELSE trunc(coalesce(0.8::float8 * typical_interval_ms, 0)
                 + (CASE WHEN typical_interval_ms IS NULL THEN 1.0::float8 ELSE 0.2::float8 END)
                   * least(greatest(v.hb - last_cwm_heartbeat_at, 1000), 3600000))::bigint END,
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

/** Stores the pushes; resolves with one outcome per record, in order. Runs inside the caller's transaction. */
export async function applyPushBatch(tx: SqlRunner, records: readonly PushRecord[]): Promise<PushOutcome[]> {
  const cwmIds = [...new Set(records.map((record) => record.cwmId))];
  await tx.query(LOCK_CWMS, [cwmIds]);

  const payloads = records.map((record) => (record.payload === null ? null : JSON.stringify(record.payload)));
  const inserted = await tx.query<{ id: number; cwm_id: string; origin_id: string; dedup_key: string | null }>(INSERT_OKMS, [
    column(records, (r) => r.cwmId), column(records, (r) => r.originId), column(records, (r) => r.cmd),
    column(records, (r) => r.okmId), column(records, (r) => r.ts), column(records, (r) => r.tsEpochMs),
    column(records, (r) => r.isTsLocal), column(records, (r) => r.receivedAtMs), column(records, (r) => r.crcVerdict),
    column(records, (r) => r.crcReceived), column(records, (r) => r.crcExpected), column(records, (r) => r.auth),
    column(records, (r) => r.rawOkm), payloads, records.map((r) => JSON.stringify(r.envelope)),
    column(records, (r) => r.remoteAddress), column(records, (r) => r.dedupKey),
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
  const resent = records.filter((r) => r.dedupKey !== null && !insertedByKey.has(storedKey(r.cwmId, r.originId, r.dedupKey)));
  const storedBefore = new Map<string, number>();
  if (resent.length > 0) {
    const found = await tx.query<{ id: number; cwm_id: string; origin_id: string; dedup_key: string }>(FIND_STORED, [
      column(resent, (r) => r.cwmId), column(resent, (r) => r.originId), column(resent, (r) => r.dedupKey),
    ]);
    for (const row of found.rows) storedBefore.set(storedKey(row.cwm_id, row.origin_id, row.dedup_key), row.id);
  }

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
    await tx.query(COUNT_ON_CWMS, [ids, seen, addresses, counts, failures, heartbeats]);
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
