// What the alert sweep reads of the devices' problems (AlertSourceStore, domain/alerts/alert-store.ts), in SQL
// both backends run. The message problems read the messages in that state only (messages_queued_by_cwm,
// messages_expired_by_cwm, as the fleet overview does: fleet-summary-query.ts); stalled transfers read the
// progress rows (one per file and client), judged against the file's current content as transfer-progress.ts does.

import type { AlertSourceStore, DeviceRhythm, ProblemDevice } from '../../../domain/alerts/alert-source-store.js';
import { SqlParams, type SqlDialect, type SqlReader } from '../fleet-sql/sql-dialect.js';

interface ProblemRow {
  cwm_id: string;
  n: number;
}

interface RhythmRow {
  id: string;
  last_seen_at: number;
  typical_interval_ms: number | null;
  site_id: number | null;
}

/** Ids per statement of findDeviceRhythms: one list parameter each, a few index lookups per id. */
const RHYTHM_CHUNK = 500;

const RHYTHM_COLUMNS = 'id, last_seen_at, typical_interval_ms, site_id';

function toProblems(rows: readonly ProblemRow[]): ProblemDevice[] {
  return rows.map((row) => ({ cwmId: row.cwm_id, count: Number(row.n) }));
}

function toRhythm(row: RhythmRow): DeviceRhythm {
  return {
    deviceId: row.id,
    lastSeenAtMs: Number(row.last_seen_at),
    typicalIntervalMs: row.typical_interval_ms === null ? null : Number(row.typical_interval_ms),
    siteId: row.site_id === null ? null : Number(row.site_id),
  };
}

export function createAlertSourceReads(reader: SqlReader, dialect: SqlDialect): AlertSourceStore {
  return {
    async listQueueBacklogs(atLeast, nowMs) {
      const params = new SqlParams(dialect);
      return toProblems(await reader.all<ProblemRow>(params.statement(
        `SELECT cwm_id, count(*) AS n FROM messages WHERE state = 'queued' AND expires_at > ${params.add(nowMs)}
         GROUP BY cwm_id HAVING count(*) >= ${params.add(atLeast)} ORDER BY cwm_id`,
      )));
    },
    async listExpiredMessages(atLeast, sinceMs) {
      const params = new SqlParams(dialect);
      return toProblems(await reader.all<ProblemRow>(params.statement(
        `SELECT cwm_id, count(*) AS n FROM messages WHERE state = 'expired' AND ended_at > ${params.add(sinceMs)}
         GROUP BY cwm_id HAVING count(*) >= ${params.add(atLeast)} ORDER BY cwm_id`,
      )));
    },
    async listStalledTransfers(idleSinceMs) {
      const params = new SqlParams(dialect);
      // Incomplete: the merged ranges sent (inclusive ends) cover less than the file; an empty file is complete
      // once asked for. A client of a replaced or deleted content is not waiting for anything any more.
      return toProblems(await reader.all<ProblemRow>(params.statement(
        `SELECT p.device_id AS cwm_id, count(*) AS n
         FROM file_transfer_progress p JOIN files f ON f.name = p.file_name AND f.sha256 = p.file_sha256
         WHERE p.device_id IS NOT NULL AND p.last_progress_at <= ${params.add(idleSinceMs)}
           AND CASE WHEN f.size = 0 THEN p.requests = 0 ELSE coalesce((
             SELECT sum(r.range_end - r.range_start + 1) FROM file_transfer_ranges r
             WHERE r.file_name = p.file_name AND r.file_sha256 = p.file_sha256 AND r.client_key = p.client_key), 0) < f.size END
         GROUP BY p.device_id ORDER BY p.device_id`,
      )));
    },
    async listDeviceRhythms() {
      const rows = await reader.all<RhythmRow>({ text: `SELECT ${RHYTHM_COLUMNS} FROM devices WHERE last_seen_at IS NOT NULL ORDER BY id`, values: [] });
      return rows.map(toRhythm);
    },
    async findDeviceRhythms(deviceIds) {
      const ids = [...new Set(deviceIds)];
      const chunks: string[][] = [];
      for (let start = 0; start < ids.length; start += RHYTHM_CHUNK) chunks.push(ids.slice(start, start + RHYTHM_CHUNK));
      const found = await Promise.all(chunks.map((chunk) => {
        const params = new SqlParams(dialect);
        return reader.all<RhythmRow>(params.statement(
          `SELECT ${RHYTHM_COLUMNS} FROM devices WHERE ${dialect.isOneOf('id', params.add(dialect.listParam(chunk)))} AND last_seen_at IS NOT NULL`,
        ));
      }));
      return found.flat().map(toRhythm).sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    },
  };
}
