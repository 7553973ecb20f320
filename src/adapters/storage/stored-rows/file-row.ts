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

/** One row per (file, content, client): the domain's FileTransferGroup without its ranges, kept up to date by each download. */
export const TRANSFER_PROGRESS_COLUMNS =
  'file_name, file_sha256, client_key, device_id, remote_address, requests, bytes_served, first_at, last_progress_at';

export interface TransferProgressRow {
  file_name: string;
  file_sha256: string;
  client_key: string;
  device_id: string | null;
  remote_address: string | null;
  requests: number;
  bytes_served: number;
  first_at: number;
  last_progress_at: number;
}

/** One merged range a client has been sent (disjoint from the client's other ranges). */
export interface TransferRangeRow {
  file_name: string;
  file_sha256: string;
  client_key: string;
  range_start: number;
  range_end: number;
}

function groupKey(row: { file_name: string; file_sha256: string; client_key: string }): string {
  return JSON.stringify([row.file_name, row.file_sha256, row.client_key]);
}

export function toTransferGroup(row: TransferProgressRow, ranges: ReadonlyArray<readonly [number, number]>): FileTransferGroup {
  return {
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    deviceId: row.device_id,
    remoteAddress: row.remote_address,
    requests: Number(row.requests),
    bytesServed: Number(row.bytes_served),
    firstAtMs: Number(row.first_at),
    lastProgressAtMs: Number(row.last_progress_at),
    ranges: [...ranges],
  };
}

/** Joins progress rows with their ranges (any order) into the domain's groups, ranges ordered. */
export function toTransferGroups(rows: readonly TransferProgressRow[], ranges: readonly TransferRangeRow[]): FileTransferGroup[] {
  const byGroup = new Map<string, Array<[number, number]>>();
  for (const range of ranges) {
    const key = groupKey(range);
    const list = byGroup.get(key) ?? [];
    list.push([Number(range.range_start), Number(range.range_end)]);
    byGroup.set(key, list);
  }
  return rows.map((row) => toTransferGroup(row, (byGroup.get(groupKey(row)) ?? []).sort((a, b) => a[0] - b[0])));
}

/** The values of TRANSFER_PROGRESS_COLUMNS, in order. */
export function transferProgressValues(group: FileTransferGroup, clientKey: string): [string, string, string, string | null, string | null, number, number, number, number] {
  return [
    group.fileName, group.fileSha256, clientKey, group.deviceId, group.remoteAddress, group.requests, group.bytesServed,
    group.firstAtMs, group.lastProgressAtMs,
  ];
}
