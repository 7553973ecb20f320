// Equipment records (domain/equipment/equipment-query.ts) read by id in SQL both backends run: the state
// rows with their CWM's interval and site, the tags of the same ids, and one record's CWM history. Each
// statement reads the ids asked for through a primary key or index, so a page costs its own rows.

import { deriveDeviceStatus } from '../../../domain/device-status.js';
import { parseEquipmentId } from '../../../domain/equipment-model/equipment-id.js';
import type { CwmStint, EquipmentDetails, EquipmentSummary } from '../../../domain/equipment/equipment-query.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import { SqlParams, type SqlDialect, type SqlReader } from '../fleet-sql/sql-dialect.js';
import { JOIN_CWM } from './equipment-status-sql.js';

interface EquipmentRow {
  device_id: string;
  cwm_id: string;
  model_id: string | null;
  first_seen_at: number;
  last_seen_at: number;
  last_heartbeat_at: number | null;
  latest_fields: string;
  typical_interval_ms: number | null;
  site_id: number | null;
}

const EQUIPMENT_COLUMNS = `ds.device_id, ds.cwm_id, ds.model_id, ds.first_seen_at, ds.last_seen_at, ds.last_heartbeat_at, ds.latest_fields,
  d.typical_interval_ms, d.site_id`;

function toSummary(row: EquipmentRow, tags: readonly string[], nowMs: number): EquipmentSummary {
  const isCwm = row.device_id === row.cwm_id;
  const lastSeenAtMs = Number(row.last_seen_at);
  const typicalIntervalMs = row.typical_interval_ms === null ? null : Number(row.typical_interval_ms);
  return {
    id: row.device_id,
    modelId: row.model_id,
    serial: isCwm ? null : (parseEquipmentId(row.device_id)?.serial ?? null),
    isCwm,
    cwmId: row.cwm_id,
    siteId: row.site_id === null ? null : Number(row.site_id),
    firstSeenAtMs: Number(row.first_seen_at),
    lastSeenAtMs,
    lastHeartbeatAtMs: row.last_heartbeat_at === null ? null : Number(row.last_heartbeat_at),
    // The same rule the status filter applies in SQL (equipment-status-sql.ts); a record is always seen.
    status: deriveDeviceStatus(lastSeenAtMs, typicalIntervalMs, nowMs) === 'online' ? 'online' : 'offline',
    tags: [...tags],
    latestFields: readJsonObject(row.latest_fields) ?? {},
  };
}

/** Reads equipment records by id, on `reader`, in `dialect`. */
export function createEquipmentRecordReads(reader: SqlReader, dialect: SqlDialect) {
  const readTagsOf = async (ids: readonly string[]): Promise<Map<string, string[]>> => {
    const params = new SqlParams(dialect);
    const rows = await reader.all<{ target_id: string; tag: string }>(params.statement(
      `SELECT target_id, tag FROM tags WHERE kind = 'equipment' AND ${dialect.isOneOf('target_id', params.add(dialect.listParam(ids)))}
       ORDER BY target_id, tag`,
    ));
    const tags = new Map<string, string[]>();
    for (const row of rows) tags.set(row.target_id, [...(tags.get(row.target_id) ?? []), row.tag]);
    return tags;
  };

  /** The records of `ids` in the order given (ids without a record are left out), tags and status included. */
  const readSummaries = async (ids: readonly string[], nowMs: number): Promise<EquipmentSummary[]> => {
    if (ids.length === 0) return [];
    const params = new SqlParams(dialect);
    const [rows, tags] = await Promise.all([
      reader.all<EquipmentRow>(params.statement(
        `SELECT ${EQUIPMENT_COLUMNS} FROM device_state ds ${JOIN_CWM} WHERE ${dialect.isOneOf('ds.device_id', params.add(dialect.listParam(ids)))}`,
      )),
      readTagsOf(ids),
    ]);
    const byId = new Map(rows.map((row) => [row.device_id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toSummary(row, tags.get(id) ?? [], nowMs)] : [];
    });
  };

  /** EquipmentStore.findEquipment: the record and the CWMs it was seen behind, newest first. */
  const findEquipment = async (id: string, nowMs: number): Promise<EquipmentDetails | null> => {
    const params = new SqlParams(dialect);
    const [summaries, history] = await Promise.all([
      readSummaries([id], nowMs),
      reader.all<{ cwm_id: string; since_ms: number }>(params.statement(
        `SELECT cwm_id, since_ms FROM equipment_cwm_history WHERE device_id = ${params.add(id)} ORDER BY since_ms DESC, id DESC`,
      )),
    ]);
    const summary = summaries[0];
    if (summary === undefined) return null;
    const cwmHistory: CwmStint[] = history.map((row) => ({ cwmId: row.cwm_id, sinceMs: Number(row.since_ms) }));
    return { ...summary, cwmHistory };
  };

  return { readSummaries, findEquipment };
}
