import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { OpenTpsError } from '../../errors.js';
import { postgresFailureReason, sqliteFailureReason } from './store-failure-reason.js';

/** An error as a driver throws it: a message and a code. */
function driverError(code: string, message = 'driver says no'): Error {
  return Object.assign(new Error(message), { code });
}

test('SQLite: a full disk, an I/O error and a read-only file are store failures, found through the OpenTpsError that wraps them', () => {
  const wrapped = (code: string): OpenTpsError => new OpenTpsError('ERR_STORE_FAILED', 'commit failed', { cause: driverError(code) });
  assert.equal(sqliteFailureReason(wrapped('SQLITE_FULL')), 'disk full');
  assert.equal(sqliteFailureReason(wrapped('SQLITE_IOERR_WRITE')), 'I/O error');
  assert.equal(sqliteFailureReason(wrapped('SQLITE_READONLY_DBMOVED')), 'read-only');
  assert.equal(sqliteFailureReason(wrapped('SQLITE_BUSY')), 'database locked');
});

test('SQLite: the WAL fsync failing with ENOSPC or EIO is a store failure', () => {
  const syncFailure = new OpenTpsError('ERR_STORE_FAILED', 'syncing the commit to disk failed', { cause: driverError('ENOSPC') });
  assert.equal(sqliteFailureReason(syncFailure), 'disk full');
  assert.equal(sqliteFailureReason(driverError('EIO')), 'I/O error');
});

test('SQLite: a constraint, a full queue or a plain error is no store failure', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  db.exec('INSERT INTO t VALUES (1)');
  let constraint: unknown;
  try {
    db.exec('INSERT INTO t VALUES (1)');
  } catch (error) {
    constraint = error;
  }
  db.close();
  assert.equal(sqliteFailureReason(constraint), null);
  assert.equal(sqliteFailureReason(new OpenTpsError('ERR_QUEUE_FULL')), null);
  assert.equal(sqliteFailureReason(new Error('x')), null);
  assert.equal(sqliteFailureReason('a string'), null);
});

test('PostgreSQL: disk full, lost connections, shutdown and a read-only standby are store failures', () => {
  const wrapped = (cause: unknown): OpenTpsError => new OpenTpsError('ERR_STORE_FAILED', 'statement failed', { cause });
  assert.equal(postgresFailureReason(wrapped(driverError('53100'))), 'disk full');
  assert.equal(postgresFailureReason(wrapped(driverError('53200'))), 'database out of resources');
  assert.equal(postgresFailureReason(wrapped(driverError('58030'))), 'I/O error');
  assert.equal(postgresFailureReason(wrapped(driverError('08006'))), 'no connection');
  assert.equal(postgresFailureReason(wrapped(driverError('57P01'))), 'database shutting down');
  assert.equal(postgresFailureReason(wrapped(driverError('25006'))), 'read-only');
  assert.equal(postgresFailureReason(wrapped(driverError('ECONNREFUSED'))), 'no connection');
  assert.equal(postgresFailureReason(wrapped(new Error('Connection terminated unexpectedly'))), 'no connection');
  assert.equal(postgresFailureReason(wrapped(new Error('timeout exceeded when trying to connect'))), 'no connection');
});

test('PostgreSQL: a unique violation, a serialization failure or our own refusal is no store failure', () => {
  assert.equal(postgresFailureReason(new OpenTpsError('ERR_STORE_FAILED', 'statement failed', { cause: driverError('23505') })), null);
  assert.equal(postgresFailureReason(driverError('40001')), null);
  assert.equal(postgresFailureReason(new OpenTpsError('ERR_QUEUE_FULL')), null);
});
