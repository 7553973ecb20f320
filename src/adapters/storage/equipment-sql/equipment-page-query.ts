// One page of the equipment registry (domain/equipment/equipment-query.ts) in SQL both backends run: the
// total and the page's ids from the filtered, sorted device states, then the page's records by those ids
// (equipment-records.ts). Each filter has an index to start from (model, CWM, the site's CWMs, the tag's
// targets) and each sort an index that yields rows in its order (last seen on PostgreSQL excepted), ties by id; only the status and the
// search are tested row by row.

import type { EquipmentPage, EquipmentQuery } from '../../../domain/equipment/equipment-query.js';
import { SqlParams, type SqlDialect, type SqlReader } from '../fleet-sql/sql-dialect.js';
import { createEquipmentRecordReads } from './equipment-records.js';
import { JOIN_CWM, equipmentStatusCondition } from './equipment-status-sql.js';

/** The query's filters as conditions on `device_state ds` (and `devices d` for the status), parameters added to `params`. */
function filterConditions(query: EquipmentQuery, nowMs: number, dialect: SqlDialect, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (query.modelId !== null) conditions.push(`ds.model_id = ${params.add(query.modelId)}`);
  if (query.cwmId !== null) conditions.push(`ds.cwm_id = ${params.add(query.cwmId)}`);
  // The site's CWMs from devices_by_site, their records from device_state_by_cwm_id.
  if (query.siteId !== null) conditions.push(`ds.cwm_id IN (SELECT s.id FROM devices s WHERE s.site_id = ${params.add(query.siteId)})`);
  if (query.tag !== null) conditions.push(`ds.device_id IN (SELECT t.target_id FROM tags t WHERE t.kind = 'equipment' AND t.tag = ${params.add(query.tag)})`);
  if (query.search !== null && query.search !== '') {
    conditions.push(dialect.contains(dialect.foldCase('ds.device_id'), dialect.foldCase(params.add(query.search))));
  }
  if (query.status !== null) conditions.push(equipmentStatusCondition(query.status, params.add(nowMs)));
  return conditions;
}

function whereOf(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** The CWM's row is joined only where the status needs its interval. */
function fromOf(query: EquipmentQuery): string {
  return query.status === null ? 'device_state ds' : `device_state ds ${JOIN_CWM}`;
}

/**
 * ORDER BY for the sort, ties by id in the same direction. Each key has an index (key, device_id), but for
 * last_seen_at on PostgreSQL, which scans and keeps the top rows (postgres-migrations.ts says why); records
 * without a model sort first ascending (SQLite's own null order, spelled out for PostgreSQL, whose index
 * device_state_by_model is built NULLS FIRST to match).
 */
function orderOf(query: EquipmentQuery): string {
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  switch (query.sort) {
    case 'id':
      return `ds.device_id ${direction}`;
    case 'model':
      return `ds.model_id ${direction} ${query.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST'}, ds.device_id ${direction}`;
    case 'lastSeen':
      return `ds.last_seen_at ${direction}, ds.device_id ${direction}`;
    case 'firstSeen':
      return `ds.first_seen_at ${direction}, ds.device_id ${direction}`;
    case 'cwm':
      return `ds.cwm_id ${direction}, ds.device_id ${direction}`;
  }
}

/**
 * EquipmentStore.queryEquipment and findEquipment over `reader`, in `dialect`.
 * @example const { queryEquipment } = createEquipmentQueries(reader, SQLITE_DIALECT);
 */
export function createEquipmentQueries(reader: SqlReader, dialect: SqlDialect) {
  const records = createEquipmentRecordReads(reader, dialect);

  const count = async (query: EquipmentQuery, nowMs: number): Promise<number> => {
    const params = new SqlParams(dialect);
    const where = whereOf(filterConditions(query, nowMs, dialect, params));
    const rows = await reader.all<{ n: number }>(params.statement(`SELECT count(*) AS n FROM ${fromOf(query)} ${where}`));
    return Number(rows[0]?.n ?? 0);
  };

  const readIds = async (query: EquipmentQuery, nowMs: number): Promise<string[]> => {
    const params = new SqlParams(dialect);
    const where = whereOf(filterConditions(query, nowMs, dialect, params));
    const rows = await reader.all<{ device_id: string }>(params.statement(
      `SELECT ds.device_id FROM ${fromOf(query)} ${where} ORDER BY ${orderOf(query)} LIMIT ${params.add(query.limit)} OFFSET ${params.add(query.offset)}`,
    ));
    return rows.map((row) => row.device_id);
  };

  return {
    async queryEquipment(query: EquipmentQuery, nowMs: number): Promise<EquipmentPage> {
      const [total, ids] = await Promise.all([count(query, nowMs), readIds(query, nowMs)]);
      return { items: await records.readSummaries(ids, nowMs), total };
    },
    findEquipment: records.findEquipment,
  };
}
