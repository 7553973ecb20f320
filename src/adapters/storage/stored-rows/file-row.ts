// The file and file-transfer rows as both backends return them, and their domain records.

import type { FileTransferGroup, StoredFile, StoredFileTransfer } from '../../../domain/file-store.js';

export const FILE_COLUMNS = 'name, size, md5, sha256, crc16, content_type, created_at, uploaded_by';

export interface FileRow {
  name: string;
  size: number;
  md5: string;
  sha256: string;
  crc16: string;
  content_type: string;
  created_at: number;
  uploaded_by: string;
}

export function toStoredFile(row: FileRow): StoredFile {
  return {
    name: row.name, size: row.size, md5: row.md5, sha256: row.sha256, crc16: row.crc16,
    contentType: row.content_type, createdAtMs: row.created_at, uploadedBy: row.uploaded_by,
  };
}

export function fileRowValues(file: StoredFile): [string, number, string, string, string, string, number, string] {
  return [file.name, file.size, file.md5, file.sha256, file.crc16, file.contentType, file.createdAtMs, file.uploadedBy];
}

export const FILE_TRANSFER_COLUMNS =
  'id, file_name, file_sha256, device_id, remote_address, range_start, range_end, bytes_sent, status, started_at, ended_at';

export interface FileTransferRow {
  id: number;
  file_name: string;
  file_sha256: string;
  device_id: string | null;
  remote_address: string | null;
  range_start: number;
  range_end: number;
  bytes_sent: number;
  status: number;
  started_at: number;
  ended_at: number;
}

export function toStoredFileTransfer(row: FileTransferRow): StoredFileTransfer {
  return {
    id: row.id, fileName: row.file_name, fileSha256: row.file_sha256, deviceId: row.device_id, remoteAddress: row.remote_address,
    rangeStart: row.range_start, rangeEnd: row.range_end, bytesSent: row.bytes_sent, status: row.status,
    startedAtMs: row.started_at, endedAtMs: row.ended_at,
  };
}

/**
 * Download progress per (file, content, client) computed in SQL, so a summary covers every row however
 * many there are: counts and sums by group, and the byte ranges delivered merged into islands (a part
 * that delivered n bytes covered range_start..range_start+n-1). Anonymous downloads group by address.
 * `where` is a condition on file_transfers with the backend's placeholders.
 */
export function transferSummarySql(where: string): { groups: string; ranges: string } {
  const client = 'file_name, file_sha256, device_id, CASE WHEN device_id IS NULL THEN remote_address END';
  return {
    groups: `SELECT file_name, file_sha256, device_id, CASE WHEN device_id IS NULL THEN remote_address END AS address,
        max(remote_address) AS any_address, count(*) AS requests, sum(bytes_sent) AS bytes_served, min(started_at) AS first_at,
        max(CASE WHEN bytes_sent > 0 THEN ended_at ELSE started_at END) AS last_progress_at
      FROM file_transfers WHERE ${where} GROUP BY ${client}`,
    ranges: `WITH parts AS (
        SELECT file_name, file_sha256, device_id, CASE WHEN device_id IS NULL THEN remote_address END AS address,
          range_start AS s, range_start + bytes_sent - 1 AS e
        FROM file_transfers WHERE ${where} AND bytes_sent > 0
      ), ordered AS (
        SELECT parts.*, max(e) OVER (PARTITION BY file_name, file_sha256, device_id, address ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM parts
      ), islands AS (
        SELECT ordered.*, sum(CASE WHEN reach IS NULL OR s > reach + 1 THEN 1 ELSE 0 END)
          OVER (PARTITION BY file_name, file_sha256, device_id, address ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
        FROM ordered
      )
      SELECT file_name, file_sha256, device_id, address, min(s) AS range_start, max(e) AS range_end
      FROM islands GROUP BY file_name, file_sha256, device_id, address, island ORDER BY range_start`,
  };
}

export interface TransferGroupRow {
  file_name: string;
  file_sha256: string;
  device_id: string | null;
  address: string | null;
  any_address: string | null;
  requests: number;
  bytes_served: number;
  first_at: number;
  last_progress_at: number;
}

export interface TransferRangeRow {
  file_name: string;
  file_sha256: string;
  device_id: string | null;
  address: string | null;
  range_start: number;
  range_end: number;
}

/** Joins the two result sets of transferSummarySql into the domain's groups. */
export function toTransferGroups(groups: readonly TransferGroupRow[], ranges: readonly TransferRangeRow[]): FileTransferGroup[] {
  const keyOf = (row: { file_name: string; file_sha256: string; device_id: string | null; address: string | null }): string =>
    JSON.stringify([row.file_name, row.file_sha256, row.device_id, row.address]);
  const rangesByKey = new Map<string, Array<[number, number]>>();
  for (const row of ranges) {
    const key = keyOf(row);
    const list = rangesByKey.get(key) ?? [];
    list.push([Number(row.range_start), Number(row.range_end)]);
    rangesByKey.set(key, list);
  }
  return groups.map((row) => ({
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    deviceId: row.device_id,
    remoteAddress: row.address ?? row.any_address,
    requests: Number(row.requests),
    bytesServed: Number(row.bytes_served),
    firstAtMs: Number(row.first_at),
    lastProgressAtMs: Number(row.last_progress_at),
    ranges: (rangesByKey.get(keyOf(row)) ?? []).sort((a, b) => a[0] - b[0]),
  }));
}
