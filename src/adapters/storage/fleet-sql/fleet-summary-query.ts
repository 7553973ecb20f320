// The fleet overview (domain/fleet-summary.ts) in SQL both backends run: one aggregate pass over the
// devices for the counts (see DevicePass), and for each kind of problem its total and its worst few,
// each list bounded by LIMIT. The message problems are read from queued or expired messages only.

import {
  type CountedDevice,
  type FleetCounts,
  type FleetProblemRules,
  type FleetSummary,
  type OfflineDevice,
  type ProblemList,
} from '../../../domain/fleet-summary.js';
import { offlineCondition, onlineCondition } from './device-status-sql.js';
import { SqlParams, type SqlDialect, type SqlReader } from './sql-dialect.js';

/** What the fleet overview reads from the devices table. */
export interface DevicePass {
  readonly counts: FleetCounts;
  readonly offline: ProblemList<OfflineDevice>;
  readonly crcFailures: ProblemList<CountedDevice>;
}

/** Reads the DevicePass with at most `limit` devices per list; a backend may do it in fewer scans. */
export type ReadDevicePass = (nowMs: number, limit: number) => Promise<DevicePass>;

export interface CountsRow {
  total: number;
  online: number;
  never_seen: number;
  crc_failures: number;
}

interface CountedRow {
  device_id: string;
  n: number;
}

/** Rows of a per-CWM aggregate with the number of all its rows beside each (a window count, before LIMIT). */
interface AggregateRow extends CountedRow {
  total: number;
}

/** The counts' select list over `devices d` (FILTER: the same in both dialects). */
export function countsSelect(now: string): string {
  return `count(*) AS total, count(*) FILTER (WHERE ${onlineCondition(now)}) AS online,
    count(*) FILTER (WHERE d.last_seen_at IS NULL) AS never_seen, count(*) FILTER (WHERE d.crc_failure_count > 0) AS crc_failures`;
}

/** Offline and CRC-failing devices are ordered alike by every backend: most recently lost, most failures. */
export const OFFLINE_ORDER = 'd.last_seen_at DESC, d.id';
export const CRC_FAILURES_ORDER = 'd.crc_failure_count DESC, d.id';

export function toFleetCounts(row: CountsRow | undefined): FleetCounts & { crcFailures: number } {
  const total = Number(row?.total ?? 0);
  const online = Number(row?.online ?? 0);
  const neverSeen = Number(row?.never_seen ?? 0);
  return { total, online, offline: total - online - neverSeen, neverSeen, crcFailures: Number(row?.crc_failures ?? 0) };
}

/** The DevicePass as three statements (counts, offline list, CRC list), each a scan of the devices. */
export function createDevicePassInParts(reader: SqlReader, dialect: SqlDialect): ReadDevicePass {
  return async (nowMs, limit) => {
    const counts = new SqlParams(dialect);
    const offline = new SqlParams(dialect);
    const crc = new SqlParams(dialect);
    const [countsRows, offlineRows, crcRows] = await Promise.all([
      reader.all<CountsRow>(counts.statement(`SELECT ${countsSelect(counts.add(nowMs))} FROM devices d`)),
      reader.all<{ id: string; last_seen_at: number }>(offline.statement(
        `SELECT d.id, d.last_seen_at FROM devices d WHERE ${offlineCondition(offline.add(nowMs))} ORDER BY ${OFFLINE_ORDER} LIMIT ${offline.add(limit)}`,
      )),
      reader.all<CountedRow>(crc.statement(
        `SELECT d.id AS device_id, d.crc_failure_count AS n FROM devices d WHERE d.crc_failure_count > 0 ORDER BY ${CRC_FAILURES_ORDER} LIMIT ${crc.add(limit)}`,
      )),
    ]);
    const { crcFailures, ...fleetCounts } = toFleetCounts(countsRows[0]);
    return {
      counts: fleetCounts,
      offline: { total: fleetCounts.offline, devices: offlineRows.map((row) => ({ deviceId: row.id, lastSeenAtMs: Number(row.last_seen_at) })) },
      crcFailures: { total: crcFailures, devices: toCountedDevices(crcRows) },
    };
  };
}

function toCountedDevices(rows: readonly CountedRow[]): CountedDevice[] {
  return rows.map((row) => ({ deviceId: row.device_id, count: Number(row.n) }));
}

function toAggregateList(rows: readonly AggregateRow[], listed: number): ProblemList<CountedDevice> {
  return { total: Number(rows[0]?.total ?? 0), devices: toCountedDevices(rows.slice(0, listed)) };
}

/** FleetReadStore.summarizeFleet over `reader`, in `dialect`, with the backend's way of reading the devices. */
export function createFleetSummaryQuery(reader: SqlReader, dialect: SqlDialect, readDevicePass: ReadDevicePass) {
  return async function summarizeFleet(nowMs: number, listedPerKind: number, rules: FleetProblemRules): Promise<FleetSummary> {
    // At least one row is read even when none is listed: the totals of the message problems come with it.
    const limit = Math.max(1, listedPerKind);
    const backlog = new SqlParams(dialect);
    const backlogStatement = backlog.statement(
      `SELECT cwm_id AS device_id, n, count(*) OVER () AS total FROM (
         SELECT cwm_id, count(*) AS n FROM messages WHERE state = 'queued' AND expires_at > ${backlog.add(nowMs)}
         GROUP BY cwm_id HAVING count(*) > ${backlog.add(rules.queueBacklogAbove)}
       ) b ORDER BY n DESC, cwm_id LIMIT ${backlog.add(limit)}`,
    );
    const expired = new SqlParams(dialect);
    const expiredStatement = expired.statement(
      `SELECT cwm_id AS device_id, n, count(*) OVER () AS total FROM (
         SELECT cwm_id, count(*) AS n FROM messages WHERE state = 'expired' AND ended_at > ${expired.add(nowMs - rules.expiredWithinMs)}
         GROUP BY cwm_id
       ) e ORDER BY n DESC, cwm_id LIMIT ${expired.add(limit)}`,
    );
    const [devices, backlogRows, expiredRows] = await Promise.all([
      readDevicePass(nowMs, limit),
      reader.all<AggregateRow>(backlogStatement),
      reader.all<AggregateRow>(expiredStatement),
    ]);
    return {
      counts: devices.counts,
      problems: {
        offline: { total: devices.offline.total, devices: devices.offline.devices.slice(0, listedPerKind) },
        crcFailures: { total: devices.crcFailures.total, devices: devices.crcFailures.devices.slice(0, listedPerKind) },
        queueBacklog: toAggregateList(backlogRows, listedPerKind),
        messagesExpired: toAggregateList(expiredRows, listedPerKind),
      },
    };
  };
}
