// Brings a backup made by sqlite-backup.ts back as DATA/opentps.db, refusing while anything has the
// store open. The store it replaces is kept beside it (renamed, so no space is needed for a copy).

import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { RECORD_MIGRATIONS } from './sqlite-migrations.js';
import { syncPath } from './sqlite-backup.js';
import { SQLITE_FILE_NAME } from './sqlite-store.js';

export interface SqliteRestoreOptions {
  readonly dataDir: string;
  /** A file made by `opentps backup`. */
  readonly fromFile: string;
  /** Names the kept previous store: opentps.db.before-restore-<time>. */
  readonly nowMs: number;
}

export interface SqliteRestoreResult {
  readonly restoredPath: string;
  /** Where the store that was replaced now is; null when there was none. */
  readonly previousPath: string | null;
  readonly bytes: number;
}

/** Tables every OpenTPS store has had since its first version (OKMs: in `okms`, or since migration 9 in partitions listed in `okm_partitions`). */
const REQUIRED_TABLES = ['devices', 'messages', 'operators'];

/** See sqlite-backup.ts: the whole backup in one step. */
const ALL_PAGES = 0x7fffffff;

/** @throws OpenTpsError ERR_BACKUP_INVALID naming what is wrong with the file */
function checkBackup(fromFile: string): void {
  if (!existsSync(fromFile)) throw new OpenTpsError('ERR_BACKUP_INVALID', `no such file ${fromFile}`);
  let db: Database.Database | null = null;
  try {
    db = new Database(fromFile, { readonly: true, fileMustExist: true });
    const check = String(db.pragma('quick_check', { simple: true }));
    if (check !== 'ok') throw new OpenTpsError('ERR_BACKUP_INVALID', `${fromFile} failed its integrity check: ${check}`);
    const version = Number(db.pragma('user_version', { simple: true }));
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name));
    const hasOkms = tables.has('okms') || tables.has('okm_partitions');
    if (version < 1 || !hasOkms || REQUIRED_TABLES.some((table) => !tables.has(table))) throw new OpenTpsError('ERR_BACKUP_INVALID', `${fromFile} is not an OpenTPS store`);
    if (version > RECORD_MIGRATIONS.length) {
      throw new OpenTpsError('ERR_BACKUP_INVALID', `${fromFile} was made by a newer OpenTPS (schema ${version}, this one knows ${RECORD_MIGRATIONS.length})`);
    }
  } catch (error) {
    if (isOpenTpsError(error)) throw error;
    throw new OpenTpsError('ERR_BACKUP_INVALID', `${fromFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    db?.close();
  }
}

/**
 * Takes the store for this process alone, or refuses. Every connection to a WAL database holds a shared
 * lock on it for as long as it is open, idle or not (the server's, its checkpoint thread's, a CLI
 * command's), so an exclusive lock is granted only when nobody else has it open: SQLite's own locks, on a
 * local file system (not on NFS, where SQLite's locking is unreliable anyway). While it is held, the WAL a
 * crashed server left is folded into the file, so the store kept aside is whole in one file.
 * @throws OpenTpsError ERR_STORE_IN_USE, or ERR_BACKUP_FAILED when the current store cannot be opened
 */
function takeStoreAside(path: string): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new OpenTpsError('ERR_STORE_IN_USE', path, { cause: error });
    // A store SQLite cannot read (corrupt) cannot be checked for users either: the operator moves it by hand.
    const detail = error instanceof Error ? error.message : String(error);
    throw new OpenTpsError('ERR_BACKUP_FAILED', `cannot open the current store ${path} (${detail}); with the server stopped, move it (and its -wal, -shm) away and restore again`, { cause: error });
  } finally {
    db?.close();
  }
}

/** "2026-12-01T23-04-52Z": sortable, and without colons (which some file systems refuse). */
function fileTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replaceAll(':', '-') + 'Z';
}

/**
 * Replaces DATA/opentps.db with the backup; the store it replaces is renamed opentps.db.before-restore-<time>.
 * DATA/traffic.db (diagnostics, never in a backup) is left as it is.
 * @example await restoreSqliteStore({ dataDir: '/var/lib/opentps', fromFile: '/backup/opentps-2026-12-01.db', nowMs: Date.now() })
 * @throws OpenTpsError ERR_BACKUP_INVALID, ERR_STORE_IN_USE (nothing changed), ERR_BACKUP_FAILED
 */
export async function restoreSqliteStore(options: SqliteRestoreOptions): Promise<SqliteRestoreResult> {
  checkBackup(options.fromFile);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const target = join(options.dataDir, SQLITE_FILE_NAME);
  let previousPath: string | null = null;
  if (existsSync(target)) {
    takeStoreAside(target);
    previousPath = `${target}.before-restore-${fileTime(options.nowMs)}`;
    renameSync(target, previousPath);
    // The exclusive connection leaves its -shm behind (and a -wal only if the checkpoint could not finish):
    // they belong to the store kept aside and must not be read as the restored store's.
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(`${target}${suffix}`)) renameSync(`${target}${suffix}`, `${previousPath}${suffix}`);
    }
  }
  let backup: Database.Database | null = null;
  try {
    closeSync(openSync(target, 'wx', 0o600));
    backup = new Database(options.fromFile, { readonly: true, fileMustExist: true });
    await backup.backup(target, { progress: () => ALL_PAGES });
    const restored = new Database(target, { fileMustExist: true });
    try {
      // As the server runs it (sqlite-store.ts); it would switch at its first open anyway.
      restored.pragma('journal_mode = WAL');
    } finally {
      restored.close();
    }
    chmodSync(target, 0o600);
    syncPath(target);
    syncPath(options.dataDir);
    return { restoredPath: target, previousPath, bytes: statSync(target).size };
  } catch (error) {
    rmSync(target, { force: true });
    // Put the previous store back where it was: a failed restore changes nothing.
    if (previousPath !== null) renameSync(previousPath, target);
    const detail = error instanceof Error ? error.message : String(error);
    throw new OpenTpsError('ERR_BACKUP_FAILED', `restoring ${options.fromFile} into ${target}: ${detail}`, { cause: error });
  } finally {
    backup?.close();
  }
}
