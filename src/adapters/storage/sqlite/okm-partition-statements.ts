// The statements one OKM partition answers (sqlite-okm-partitions.ts), for both layouts, returning the
// same rows: the compact layout's references and deflated bodies are turned back into ids and texts here.
// Statements are prepared on first use and kept per partition until it is dropped.

import type { Database, Statement } from 'better-sqlite3';
import { fieldsOfStoredOkm, type OkmRow } from '../stored-rows/okm-row.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import { decodeBodyText, rawOfBodyText, unpackVerdicts } from './compact-okm-codec.js';
import type { DeviceRefs } from './device-refs.js';
import type { OkmPartition } from './sqlite-okm-partitions.js';

/** Who a read is about: a device's id and, in compact partitions, its reference (null: it has none, so no OKM). */
export interface DeviceKey {
  readonly id: string;
  readonly ref: number | null;
}

/** A new OKM as a compact partition stores it. */
export interface CompactOkmInsert {
  readonly id: number;
  readonly receivedAtMs: number;
  readonly cwmRef: number;
  readonly originRef: number;
  readonly flags: number;
  readonly dedup: Buffer | null;
  readonly body: Buffer;
}

/** The identity of a re-sent OKM, in both layouts' terms. */
export interface DedupProbe {
  readonly cwmId: string;
  readonly originId: string;
  readonly dedupKey: string;
  readonly digest: Buffer;
}

export interface PartitionStatements {
  /** Inserts unless the dedup digest is taken (compact only); false when it was. */
  insert(row: CompactOkmInsert): boolean;
  findDuplicate(probe: DedupProbe): number | null;
  linkAnswer(okmRowId: number, messageId: number): void;
  newestByCwm(cwm: DeviceKey, limit: number): OkmRow[];
  newestByOrigin(origin: DeviceKey, limit: number): OkmRow[];
  newestByCwmAndOrigin(cwm: DeviceKey, origin: DeviceKey, limit: number): OkmRow[];
  newest(limit: number): OkmRow[];
  rangeByCwm(cwm: DeviceKey, fromMs: number, toMs: number, limit: number): OkmRow[];
  /** [receive time, payload] of one origin device's OKMs in [fromMs, toMs). */
  payloadsOfOrigin(origin: DeviceKey, fromMs: number, toMs: number): Array<[number, Record<string, unknown> | null]>;
  countPerMinute(fromMs: number, toMs: number): Array<{ m: number; n: number }>;
  countByCwm(cwm: DeviceKey): number;
  maxId(): number;
  /** The newest receive time it holds (null: none). */
  newestReceivedAt(): number | null;
  /** max(id) - min(id) + 1: exact unless ids of another partition fell between (a clock set back). */
  approxCount(): number;
  /** The texts of the newest OKMs, newest last: the material of the next partition's dictionary. */
  recentBodyTexts(limit: number): string[];
}

interface CompactRow {
  id: number;
  received_at: number;
  cwm_ref: number;
  origin_ref: number;
  flags: number;
  body: Buffer;
}

const COMPACT_COLUMNS = 'id, received_at, cwm_ref, origin_ref, flags, body';
const LEGACY_COLUMNS = 'id, cwm_id, origin_id, received_at, crc_verdict, auth, raw';

/** Statements prepared on first use and kept: most partitions are only ever read by a few of them. */
function statementCache(db: Database): (text: string) => Statement {
  const prepared = new Map<string, Statement>();
  return (text) => {
    let statement = prepared.get(text);
    if (!statement) {
      statement = db.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };
}

/** The statements both layouts share: they name only columns every OKM table has. */
function commonStatements(sql: (text: string) => Statement, t: string): Pick<PartitionStatements, 'linkAnswer' | 'countPerMinute' | 'maxId' | 'newestReceivedAt' | 'approxCount'> {
  return {
    linkAnswer(okmRowId, messageId) {
      sql(`UPDATE ${t} SET answers_message = ? WHERE id = ?`).run(messageId, okmRowId);
    },
    countPerMinute(fromMs, toMs) {
      return sql(`SELECT received_at / 60000 AS m, count(*) AS n FROM ${t} WHERE received_at >= ? AND received_at < ? GROUP BY m`)
        .all(fromMs, toMs) as Array<{ m: number; n: number }>;
    },
    maxId() {
      return (sql(`SELECT max(id) AS m FROM ${t}`).get() as { m: number | null }).m ?? 0;
    },
    newestReceivedAt() {
      return (sql(`SELECT max(received_at) AS m FROM ${t}`).get() as { m: number | null }).m;
    },
    approxCount() {
      const { lo, hi } = sql(`SELECT (SELECT min(id) FROM ${t}) AS lo, (SELECT max(id) FROM ${t}) AS hi`).get() as { lo: number | null; hi: number | null };
      return lo === null || hi === null ? 0 : hi - lo + 1;
    },
  };
}

export function preparePartitionStatements(db: Database, partition: OkmPartition, refs: DeviceRefs): PartitionStatements {
  return partition.layout === 'compact' ? compactStatements(db, partition, refs) : legacyStatements(db, partition);
}

function compactStatements(db: Database, partition: OkmPartition, refs: DeviceRefs): PartitionStatements {
  const t = `"${partition.name}"`;
  const sql = statementCache(db);
  const toRow = (row: CompactRow): OkmRow => ({
    id: row.id,
    cwm_id: refs.deviceIdOf(row.cwm_ref),
    origin_id: refs.deviceIdOf(row.origin_ref),
    received_at: row.received_at,
    ...(() => {
      const { crcVerdict, auth } = unpackVerdicts(row.flags);
      return { crc_verdict: crcVerdict, auth };
    })(),
    raw: rawOfBodyText(decodeBodyText(row.body, partition.dictionary)),
  });
  const rows = (text: string, ...params: unknown[]): OkmRow[] => (sql(text).all(...params) as CompactRow[]).map(toRow);

  return {
    ...commonStatements(sql, t),
    insert(row) {
      return sql(`INSERT INTO ${t} (id, received_at, cwm_ref, origin_ref, flags, dedup, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
        .run(row.id, row.receivedAtMs, row.cwmRef, row.originRef, row.flags, row.dedup, row.body).changes > 0;
    },
    findDuplicate(probe) {
      const found = sql(`SELECT id FROM ${t} WHERE dedup = ?`).get(probe.digest) as { id: number } | undefined;
      return found?.id ?? null;
    },
    newestByCwm(cwm, limit) {
      return cwm.ref === null ? [] : rows(`SELECT ${COMPACT_COLUMNS} FROM ${t} WHERE cwm_ref = ? ORDER BY id DESC LIMIT ?`, cwm.ref, limit);
    },
    newestByOrigin(origin, limit) {
      return origin.ref === null ? [] : rows(`SELECT ${COMPACT_COLUMNS} FROM ${t} WHERE origin_ref = ? ORDER BY received_at DESC, id DESC LIMIT ?`, origin.ref, limit);
    },
    newestByCwmAndOrigin(cwm, origin, limit) {
      if (cwm.ref === null || origin.ref === null) return [];
      return rows(`SELECT ${COMPACT_COLUMNS} FROM ${t} WHERE origin_ref = ? AND cwm_ref = ? ORDER BY received_at DESC, id DESC LIMIT ?`, origin.ref, cwm.ref, limit);
    },
    newest(limit) {
      return rows(`SELECT ${COMPACT_COLUMNS} FROM ${t} ORDER BY id DESC LIMIT ?`, limit);
    },
    rangeByCwm(cwm, fromMs, toMs, limit) {
      if (cwm.ref === null) return [];
      return rows(`SELECT ${COMPACT_COLUMNS} FROM ${t} WHERE cwm_ref = ? AND received_at >= ? AND received_at < ? ORDER BY id LIMIT ?`, cwm.ref, fromMs, toMs, limit);
    },
    payloadsOfOrigin(origin, fromMs, toMs) {
      if (origin.ref === null) return [];
      const found = sql(`SELECT received_at, body FROM ${t} WHERE origin_ref = ? AND received_at >= ? AND received_at < ?`)
        .all(origin.ref, fromMs, toMs) as Array<{ received_at: number; body: Buffer }>;
      return found.map((row) => [row.received_at, fieldsOfStoredOkm(rawOfBodyText(decodeBodyText(row.body, partition.dictionary))).payload]);
    },
    countByCwm(cwm) {
      if (cwm.ref === null) return 0;
      return (sql(`SELECT count(*) AS n FROM ${t} WHERE cwm_ref = ?`).get(cwm.ref) as { n: number }).n;
    },
    recentBodyTexts(limit) {
      const found = sql(`SELECT body FROM ${t} ORDER BY id DESC LIMIT ?`).all(limit) as Array<{ body: Buffer }>;
      return found.reverse().map((row) => decodeBodyText(row.body, partition.dictionary));
    },
  };
}

/** The table of OKMs stored before partitions existed, read only (its columns: migration 1). */
function legacyStatements(db: Database, partition: OkmPartition): PartitionStatements {
  const t = `"${partition.name}"`;
  const sql = statementCache(db);
  const rows = (text: string, ...params: unknown[]): OkmRow[] => sql(text).all(...params) as OkmRow[];
  return {
    ...commonStatements(sql, t),
    insert() {
      throw new Error('the legacy partition is read only');
    },
    findDuplicate(probe) {
      const found = sql(`SELECT id FROM ${t} WHERE cwm_id = ? AND origin_id = ? AND dedup_key = ?`).get(probe.cwmId, probe.originId, probe.dedupKey) as { id: number } | undefined;
      return found?.id ?? null;
    },
    newestByCwm(cwm, limit) {
      return rows(`SELECT ${LEGACY_COLUMNS} FROM ${t} WHERE cwm_id = ? ORDER BY id DESC LIMIT ?`, cwm.id, limit);
    },
    newestByOrigin(origin, limit) {
      return rows(`SELECT ${LEGACY_COLUMNS} FROM ${t} WHERE origin_id = ? ORDER BY received_at DESC, id DESC LIMIT ?`, origin.id, limit);
    },
    newestByCwmAndOrigin(cwm, origin, limit) {
      return rows(`SELECT ${LEGACY_COLUMNS} FROM ${t} WHERE origin_id = ? AND cwm_id = ? ORDER BY received_at DESC, id DESC LIMIT ?`, origin.id, cwm.id, limit);
    },
    newest(limit) {
      return rows(`SELECT ${LEGACY_COLUMNS} FROM ${t} ORDER BY id DESC LIMIT ?`, limit);
    },
    rangeByCwm(cwm, fromMs, toMs, limit) {
      return rows(`SELECT ${LEGACY_COLUMNS} FROM ${t} WHERE cwm_id = ? AND received_at >= ? AND received_at < ? ORDER BY id LIMIT ?`, cwm.id, fromMs, toMs, limit);
    },
    payloadsOfOrigin(origin, fromMs, toMs) {
      const found = sql(`SELECT received_at, payload FROM ${t} WHERE origin_id = ? AND received_at >= ? AND received_at < ?`)
        .all(origin.id, fromMs, toMs) as Array<{ received_at: number; payload: string | null }>;
      return found.map((row) => [row.received_at, readJsonObject(row.payload)]);
    },
    countByCwm(cwm) {
      return (sql(`SELECT count(*) AS n FROM ${t} WHERE cwm_id = ?`).get(cwm.id) as { n: number }).n;
    },
    recentBodyTexts() {
      return [];
    },
  };
}
