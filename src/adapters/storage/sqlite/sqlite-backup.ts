// A consistent copy of a running node's records database (opentps.db) with SQLite's online backup API,
// taken from another process while the server keeps serving; the copy is one self-contained file.
// traffic.db is left out: it is a bounded ring of recent requests for diagnostics, rewritten with every
// request, and no OKM, message, device, key or operator lives in it.

import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { SQLITE_FILE_NAME } from './sqlite-store.js';

export interface SqliteBackupOptions {
  readonly dataDir: string;
  /** Where the copy goes; must not exist. */
  readonly outFile: string;
  /** How long to wait for the server's write lock where SQLite needs a moment of it. */
  readonly busyTimeoutMs: number;
}

export interface SqliteBackupResult {
  /** The database that was copied. */
  readonly sourcePath: string;
  readonly outFile: string;
  readonly bytes: number;
  readonly durationMs: number;
}

/**
 * Pages per step of the backup: all of them. SQLite restarts a backup from the first page whenever
 * another process writes between two steps, and a busy server writes every few milliseconds: copied in
 * steps, the backup of a node under load could restart forever. One step copies one snapshot, inside one
 * read transaction; WAL readers do not block the server's writers, whose WAL meanwhile grows past the
 * snapshot until the next checkpoint.
 */
const ALL_PAGES = 0x7fffffff;

/** fsync of a file or directory: the copy is only a backup once it is on disk, under its final name. */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies DATA/opentps.db to `outFile` while a server may be writing to it.
 * @example await backupSqliteStore({ dataDir: '/var/lib/opentps', outFile: '/backup/opentps-2026-12-01.db', busyTimeoutMs: 10_000 })
 * @throws OpenTpsError ERR_BACKUP_EXISTS when `outFile` exists, ERR_BACKUP_FAILED when the copy cannot be made
 */
export async function backupSqliteStore(options: SqliteBackupOptions): Promise<SqliteBackupResult> {
  const startedAtMs = Date.now();
  const sourcePath = join(options.dataDir, SQLITE_FILE_NAME);
  if (existsSync(options.outFile)) throw new OpenTpsError('ERR_BACKUP_EXISTS', options.outFile);
  if (!existsSync(sourcePath)) throw new OpenTpsError('ERR_BACKUP_FAILED', `no store in ${options.dataDir} (${SQLITE_FILE_NAME} is missing)`);
  // Written beside the target and renamed at the end: an interrupted backup never leaves a file under the name.
  const partialFile = join(dirname(options.outFile), `.${basename(options.outFile)}.partial-${process.pid}`);
  let source: Database.Database | null = null;
  try {
    source = new Database(sourcePath, { fileMustExist: true, timeout: options.busyTimeoutMs });
    if (Number(source.pragma('user_version', { simple: true })) < 1) throw new OpenTpsError('ERR_BACKUP_FAILED', `${sourcePath} is not an OpenTPS store`);
    // Created empty first, owner-only: the copy holds provisioning keys and password hashes.
    closeSync(openSync(partialFile, 'wx', 0o600));
    await source.backup(partialFile, { progress: () => ALL_PAGES });
    const copy = new Database(partialFile, { fileMustExist: true });
    try {
      // The copy says WAL like its source; a rollback journal makes it one file that opens anywhere, read-only too.
      copy.pragma('journal_mode = DELETE');
      const check = String(copy.pragma('quick_check', { simple: true }));
      if (check !== 'ok') throw new OpenTpsError('ERR_BACKUP_FAILED', `the copy failed its integrity check: ${check}`);
    } finally {
      copy.close();
    }
    syncPath(partialFile);
    renameSync(partialFile, options.outFile);
    syncPath(dirname(options.outFile));
    return { sourcePath, outFile: options.outFile, bytes: statSync(options.outFile).size, durationMs: Date.now() - startedAtMs };
  } catch (error) {
    rmSync(partialFile, { force: true });
    rmSync(`${partialFile}-journal`, { force: true });
    if (isOpenTpsError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new OpenTpsError('ERR_BACKUP_FAILED', `${sourcePath} to ${options.outFile}: ${detail}`, { cause: error });
  } finally {
    source?.close();
  }
}
