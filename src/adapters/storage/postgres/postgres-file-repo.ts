// File metadata and download rows in the PostgreSQL store (the bytes live in the files directory
// every node shares, see docs: README "Files").

import type { FileStore } from '../../../domain/file-store.js';
import { OpenTpsError } from '../../../errors.js';
import {
  FILE_COLUMNS, FILE_TRANSFER_COLUMNS, TRANSFER_PROGRESS_COLUMNS, fileRowValues, toStoredFile, toStoredFileTransfer, toTransferGroup,
  toTransferGroups, transferProgressValues, type FileRow, type FileTransferRow, type TransferProgressRow, type TransferRangeRow,
} from '../stored-rows/file-row.js';
import { addTransferToGroup, deliveredRange, transferClientKey } from '../../../domain/transfer-progress.js';
import type { PostgresDatabase, SqlRunner } from './postgres-database.js';

/** `WHERE` on file name and/or device (empty when neither is given), with its parameters $1.. in order. */
function fileAndDeviceFilter(query: { readonly fileName?: string; readonly deviceId?: string }, table = ''): { where: string; values: string[] } {
  const conditions: string[] = [];
  const values: string[] = [];
  if (query.fileName !== undefined) conditions.push(`${table}file_name = $${values.push(query.fileName)}`);
  if (query.deviceId !== undefined) conditions.push(`${table}device_id = $${values.push(query.deviceId)}`);
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

const RANGE_KEY = 'file_name = $1 AND file_sha256 = $2 AND client_key = $3';

/**
 * Adds [start, end] to the client's ranges (the caller holds the client's progress row lock), merging it
 * with the one before it if they touch and with those starting inside it: ranges stay disjoint.
 */
async function addRange(tx: SqlRunner, key: [string, string, string], start: number, end: number): Promise<void> {
  let mergedStart = start;
  let mergedEnd = end;
  const before = (await tx.query<{ range_start: number; range_end: number }>(
    `SELECT range_start, range_end FROM file_transfer_ranges WHERE ${RANGE_KEY} AND range_start < $4 ORDER BY range_start DESC LIMIT 1`,
    [...key, start],
  )).rows[0];
  if (before !== undefined && before.range_end >= start - 1) {
    mergedStart = before.range_start;
    mergedEnd = Math.max(mergedEnd, before.range_end);
  }
  const inside = await tx.query<{ range_end: number }>(
    `DELETE FROM file_transfer_ranges WHERE ${RANGE_KEY} AND range_start >= $4 AND range_start <= $5 RETURNING range_end`,
    [...key, mergedStart, end + 1],
  );
  for (const row of inside.rows) mergedEnd = Math.max(mergedEnd, row.range_end);
  await tx.query(
    'INSERT INTO file_transfer_ranges (file_name, file_sha256, client_key, range_start, range_end) VALUES ($1, $2, $3, $4, $5)',
    [...key, mergedStart, mergedEnd],
  );
}

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
        await tx.query('DELETE FROM file_transfer_progress WHERE file_name = $1', [name]);
        await tx.query('DELETE FROM file_transfer_ranges WHERE file_name = $1', [name]);
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
        // Several nodes may serve parts to one client at once: the progress row is read locked, which also
        // serialises changes to the client's ranges; the first part creates it (a concurrent first part
        // finds it and locks it).
        const clientKey = transferClientKey(t);
        const key: [string, string, string] = [t.fileName, t.fileSha256, clientKey];
        const select = `SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress WHERE file_name = $1 AND file_sha256 = $2 AND client_key = $3 FOR UPDATE`;
        let current = (await tx.query<TransferProgressRow>(select, key)).rows[0];
        if (current === undefined) {
          const created = await tx.query(
            `INSERT INTO file_transfer_progress (${TRANSFER_PROGRESS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
            transferProgressValues(addTransferToGroup(null, t), clientKey),
          );
          if (created.rowCount !== 1) current = (await tx.query<TransferProgressRow>(select, key)).rows[0];
        }
        if (current !== undefined) {
          await tx.query(
            `UPDATE file_transfer_progress SET device_id = $4, remote_address = $5, requests = $6, bytes_served = $7, first_at = $8,
               last_progress_at = $9
             WHERE file_name = $1 AND file_sha256 = $2 AND client_key = $3`,
            transferProgressValues(addTransferToGroup(toTransferGroup(current, []), t), clientKey),
          );
        }
        const range = deliveredRange(t);
        if (range !== null) await addRange(tx, key, range[0], range[1]);
      });
    },
    async pruneFileTransfers(olderThanMs) {
      const { rowCount } = await db.write('DELETE FROM file_transfers WHERE ended_at < $1', [olderThanMs]);
      return rowCount ?? 0;
    },
    async listFileTransfers(query) {
      const { where, values } = fileAndDeviceFilter(query);
      const { rows } = await db.read.query<FileTransferRow>(
        `SELECT ${FILE_TRANSFER_COLUMNS} FROM file_transfers ${where} ORDER BY id DESC LIMIT $${values.length + 1}`,
        [...values, query.limit],
      );
      return rows.reverse().map(toStoredFileTransfer);
    },
    async summarizeFileTransfers(query) {
      const { where, values } = fileAndDeviceFilter(query, 'p.');
      const [progress, ranges] = await Promise.all([
        db.read.query<TransferProgressRow>(`SELECT ${TRANSFER_PROGRESS_COLUMNS} FROM file_transfer_progress p ${where}`, values),
        db.read.query<TransferRangeRow>(
          `SELECT r.file_name, r.file_sha256, r.client_key, r.range_start, r.range_end
           FROM file_transfer_ranges r JOIN file_transfer_progress p USING (file_name, file_sha256, client_key) ${where}`,
          values,
        ),
      ]);
      return toTransferGroups(progress.rows, ranges.rows);
    },
  };
}
