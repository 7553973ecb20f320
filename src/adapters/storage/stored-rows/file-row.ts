// The file and file-transfer rows as both backends return them, and their domain records.

import type { StoredFile, StoredFileTransfer } from '../../../domain/file-store.js';

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
