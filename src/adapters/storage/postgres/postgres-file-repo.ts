// File metadata and download rows in the PostgreSQL store (the bytes live in the files directory
// every node shares, see docs: README "Files").

import type { FileStore } from '../../../domain/file-store.js';
import { OpenTpsError } from '../../../errors.js';
import {
  FILE_COLUMNS, FILE_TRANSFER_COLUMNS, fileRowValues, toStoredFile, toStoredFileTransfer, toTransferGroups, transferSummarySql,
  type FileRow, type FileTransferRow, type TransferGroupRow, type TransferRangeRow,
} from '../stored-rows/file-row.js';
import type { PostgresDatabase } from './postgres-database.js';

export function createPostgresFileRepo(db: PostgresDatabase): FileStore {
  return {
    async putFile(file, isReplacing) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE name = $1 FOR UPDATE`, [file.name]);
        const existing = rows[0];
        if (existing && !isReplacing) throw new OpenTpsError('ERR_FILE_EXISTS', file.name);
        const inserted = await tx.query(
          `INSERT INTO files (${FILE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (name) DO ${isReplacing
             ? `UPDATE SET size = excluded.size, md5 = excluded.md5, sha256 = excluded.sha256, crc16 = excluded.crc16,
                content_type = excluded.content_type, created_at = excluded.created_at, uploaded_by = excluded.uploaded_by`
             : 'NOTHING'}`,
          fileRowValues(file),
        );
        if (inserted.rowCount === 0) throw new OpenTpsError('ERR_FILE_EXISTS', file.name);
        return existing ? toStoredFile(existing) : null;
      });
    },
    async findFile(name) {
      const { rows } = await db.read.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE name = $1`, [name]);
      const row = rows[0];
      return row ? toStoredFile(row) : null;
    },
    async listFiles() {
      const { rows } = await db.read.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files ORDER BY name`);
      return rows.map(toStoredFile);
    },
    async deleteFile(name) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<FileRow>(`DELETE FROM files WHERE name = $1 RETURNING ${FILE_COLUMNS}`, [name]);
        const row = rows[0];
        if (!row) return null;
        await tx.query('DELETE FROM file_transfers WHERE file_name = $1', [name]);
        return toStoredFile(row);
      });
    },
    async countFilesWithContent(sha256) {
      const { rows } = await db.read.query<{ n: number }>('SELECT count(*) AS n FROM files WHERE sha256 = $1', [sha256]);
      return rows[0]?.n ?? 0;
    },
    async recordFileTransfer(t) {
      await db.transaction(async (tx) => {
        // A download row is diagnostics, like traffic: its commit does not wait for the WAL flush.
        await tx.query('SET LOCAL synchronous_commit TO off');
        await tx.query(
          `INSERT INTO file_transfers (file_name, file_sha256, device_id, remote_address, range_start, range_end, bytes_sent, status, started_at, ended_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [t.fileName, t.fileSha256, t.deviceId, t.remoteAddress, t.rangeStart, t.rangeEnd, t.bytesSent, t.status, t.startedAtMs, t.endedAtMs],
        );
      });
    },
    async listFileTransfers(query) {
      const where: string[] = [];
      const values: Array<string | number> = [];
      if (query.fileName !== undefined) {
        values.push(query.fileName);
        where.push(`file_name = $${values.length}`);
      }
      if (query.deviceId !== undefined) {
        values.push(query.deviceId);
        where.push(`device_id = $${values.length}`);
      }
      values.push(query.limit);
      const { rows } = await db.read.query<FileTransferRow>(
        `SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`,
        values,
      );
      return rows.reverse().map(toStoredFileTransfer);
    },
    async summarizeFileTransfers(query) {
      const where: string[] = [];
      const values: string[] = [];
      if (query.fileName !== undefined) {
        values.push(query.fileName);
        where.push(`file_name = $${values.length}`);
      }
      if (query.deviceId !== undefined) {
        values.push(query.deviceId);
        where.push(`device_id = $${values.length}`);
      }
      const sql = transferSummarySql(where.length > 0 ? `(${where.join(' AND ')})` : 'true');
      const [groups, ranges] = await Promise.all([
        db.read.query<TransferGroupRow>(sql.groups, values),
        db.read.query<TransferRangeRow>(sql.ranges, values),
      ]);
      return toTransferGroups(groups.rows, ranges.rows);
    },
  };
}
