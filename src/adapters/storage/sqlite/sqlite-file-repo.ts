// File metadata and download rows in the embedded store (the bytes live in the files directory).

import type { Database } from 'better-sqlite3';
import type { FileStore } from '../../../domain/file-store.js';
import { OpenTpsError } from '../../../errors.js';
import { addTransferToGroup, deliveredRange, transferClientKey } from '../../../domain/transfer-progress.js';
import {
  FILE_COLUMNS, FILE_TRANSFER_COLUMNS, TRANSFER_PROGRESS_COLUMNS, fileRowValues, toStoredFile, toStoredFileTransfer, toTransferGroup,
  toTransferGroups, transferProgressValues, type FileRow, type FileTransferRow, type TransferProgressRow, type TransferRangeRow,
} from '../stored-rows/file-row.js';
import type { WriteBatcher } from './write-batcher.js';

export function createSqliteFileRepo(db: Database, batcher: WriteBatcher): FileStore {
  const selectFile = db.prepare<[string], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE name = ?`);
  const selectFiles = db.prepare<[], FileRow>(`SELECT ${FILE_COLUMNS} FROM files ORDER BY name`);
  const insertFile = db.prepare(`INSERT INTO files (${FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`);
  const replaceFile = db.prepare(
    `INSERT INTO files (${FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET size = excluded.size, md5 = excluded.md5, sha256 = excluded.sha256, crc16 = excluded.crc16,
       content_type = excluded.content_type, created_at = excluded.created_at, uploaded_by = excluded.uploaded_by`,
  );
  const deleteFile = db.prepare('DELETE FROM files WHERE name = ?');
  const deleteTransfers = db.prepare('DELETE FROM file_transfers WHERE file_name = ?');
  const countContent = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM files WHERE sha256 = ?');
  const insertTransfer = db.prepare(
    `INSERT INTO file_transfers (file_name, file_sha256, device_id, remote_address, range_start, range_end, bytes_sent, status, started_at, ended_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const transfersOfFile = db.prepare<[string, number], FileTransferRow>(
    `SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers WHERE file_name = ? ORDER BY id DESC LIMIT ?`,
  );
  const transfersOfDevice = db.prepare<[string, number], FileTransferRow>(
    `SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers WHERE device_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const transfersOfFileAndDevice = db.prepare<[string, string, number], FileTransferRow>(
    `SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers WHERE file_name = ? AND device_id = ? ORDER BY id DESC LIMIT ?`,
  );
  const allTransfers = db.prepare<[number], FileTransferRow>(`SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers ORDER BY id DESC LIMIT ?`);
  const deleteProgress = db.prepare('DELETE FROM file_transfer_progress WHERE file_name = ?');
  const deleteRanges = db.prepare('DELETE FROM file_transfer_ranges WHERE file_name = ?');
  const deleteOldTransfers = db.prepare('DELETE FROM file_transfers WHERE ended_at < ?');
  const selectProgress = db.prepare<[string, string, string], TransferProgressRow>(
    `SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress WHERE file_name = ? AND file_sha256 = ? AND client_key = ?`,
  );
  const upsertProgress = db.prepare(
    `INSERT OR REPLACE INTO file_transfer_progress (${TRANSFER_PROGRESS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const RANGE_KEY = 'file_name = ? AND file_sha256 = ? AND client_key = ?';
  /** The client's last range starting before `start`: the only earlier one that can touch a new range. */
  const rangeBefore = db.prepare<[string, string, string, number], { range_start: number; range_end: number }>(
    `SELECT range_start, range_end FROM file_transfer_ranges WHERE ${RANGE_KEY} AND range_start < ? ORDER BY range_start DESC LIMIT 1`,
  );
  const rangesStartingIn = db.prepare<[string, string, string, number, number], { range_start: number; range_end: number }>(
    `SELECT range_start, range_end FROM file_transfer_ranges WHERE ${RANGE_KEY} AND range_start BETWEEN ? AND ?`,
  );
  const deleteRange = db.prepare(`DELETE FROM file_transfer_ranges WHERE ${RANGE_KEY} AND range_start = ?`);
  const insertRange = db.prepare('INSERT INTO file_transfer_ranges (file_name, file_sha256, client_key, range_start, range_end) VALUES (?, ?, ?, ?, ?)');
  const progressOf = {
    file: db.prepare<[string], TransferProgressRow>(`SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress WHERE file_name = ?`),
    device: db.prepare<[string], TransferProgressRow>(`SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress WHERE device_id = ?`),
    both: db.prepare<[string, string], TransferProgressRow>(
      `SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress WHERE file_name = ? AND device_id = ?`,
    ),
    all: db.prepare<[], TransferProgressRow>(`SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress`),
  };
  const RANGES_OF = 'SELECT r.file_name, r.file_sha256, r.client_key, r.range_start, r.range_end FROM file_transfer_ranges r JOIN file_transfer_progress p USING (file_name, file_sha256, client_key)';
  const rangesOf = {
    file: db.prepare<[string], TransferRangeRow>(`${RANGES_OF} WHERE p.file_name = ?`),
    device: db.prepare<[string], TransferRangeRow>(`${RANGES_OF} WHERE p.device_id = ?`),
    both: db.prepare<[string, string], TransferRangeRow>(`${RANGES_OF} WHERE p.file_name = ? AND p.device_id = ?`),
    all: db.prepare<[], TransferRangeRow>(RANGES_OF),
  };

  /** Adds [start, end] to the client's ranges, merging it with those it overlaps or touches. */
  const addRange = (key: [string, string, string], start: number, end: number): void => {
    let mergedStart = start;
    let mergedEnd = end;
    const before = rangeBefore.get(...key, start);
    if (before !== undefined && before.range_end >= start - 1) {
      mergedStart = before.range_start;
      mergedEnd = Math.max(mergedEnd, before.range_end);
      deleteRange.run(...key, before.range_start);
    }
    for (const range of rangesStartingIn.all(...key, start, end + 1)) {
      mergedEnd = Math.max(mergedEnd, range.range_end);
      deleteRange.run(...key, range.range_start);
    }
    insertRange.run(...key, mergedStart, mergedEnd);
  };

  return {
    putFile(file, isReplacing) {
      return batcher.run(() => {
        const existing = selectFile.get(file.name);
        if (isReplacing) replaceFile.run(...fileRowValues(file));
        else if (insertFile.run(...fileRowValues(file)).changes === 0) throw new OpenTpsError('ERR_FILE_EXISTS', file.name);
        return existing ? toStoredFile(existing) : null;
      });
    },
    async findFile(name) {
      const row = selectFile.get(name);
      return row ? toStoredFile(row) : null;
    },
    async listFiles() {
      return selectFiles.all().map(toStoredFile);
    },
    deleteFile(name) {
      return batcher.run(() => {
        const row = selectFile.get(name);
        if (!row) return null;
        deleteFile.run(name);
        deleteTransfers.run(name);
        deleteProgress.run(name);
        deleteRanges.run(name);
        return toStoredFile(row);
      });
    },
    async countFilesWithContent(sha256) {
      return countContent.get(sha256)?.n ?? 0;
    },
    recordFileTransfer(t) {
      return batcher.run(() => {
        insertTransfer.run(t.fileName, t.fileSha256, t.deviceId, t.remoteAddress, t.rangeStart, t.rangeEnd, t.bytesSent, t.status, t.startedAtMs, t.endedAtMs);
        // The writer is this process alone, inside the batch's transaction: read, add, write back.
        const clientKey = transferClientKey(t);
        const current = selectProgress.get(t.fileName, t.fileSha256, clientKey);
        upsertProgress.run(...transferProgressValues(addTransferToGroup(current ? toTransferGroup(current, []) : null, t), clientKey));
        const range = deliveredRange(t);
        if (range !== null) addRange([t.fileName, t.fileSha256, clientKey], range[0], range[1]);
      });
    },
    pruneFileTransfers(olderThanMs) {
      return batcher.run(() => deleteOldTransfers.run(olderThanMs).changes);
    },
    async listFileTransfers(query) {
      const rows =
        query.fileName !== undefined && query.deviceId !== undefined
          ? transfersOfFileAndDevice.all(query.fileName, query.deviceId, query.limit)
          : query.fileName !== undefined
            ? transfersOfFile.all(query.fileName, query.limit)
            : query.deviceId !== undefined
              ? transfersOfDevice.all(query.deviceId, query.limit)
              : allTransfers.all(query.limit);
      return rows.reverse().map(toStoredFileTransfer);
    },
    async summarizeFileTransfers(query) {
      if (query.fileName !== undefined && query.deviceId !== undefined) {
        return toTransferGroups(progressOf.both.all(query.fileName, query.deviceId), rangesOf.both.all(query.fileName, query.deviceId));
      }
      if (query.fileName !== undefined) return toTransferGroups(progressOf.file.all(query.fileName), rangesOf.file.all(query.fileName));
      if (query.deviceId !== undefined) return toTransferGroups(progressOf.device.all(query.deviceId), rangesOf.device.all(query.deviceId));
      return toTransferGroups(progressOf.all.all(), rangesOf.all.all());
    },
  };
}
