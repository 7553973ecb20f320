// Operator accounts, sessions, API tokens and the audit log in the PostgreSQL store.

import { OpenTpsError } from '../../../errors.js';
import type { AuditEntry, OperatorRecord, OperatorStore } from '../../../domain/operator-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { readJsonObject } from '../stored-rows/stored-json.js';

interface OperatorRow {
  id: number;
  name: string;
  password_hash: string;
  is_disabled: boolean;
  created_at: number;
}

const OPERATOR_COLUMNS = 'id, name, password_hash, is_disabled, created_at';

function toOperator(row: OperatorRow): OperatorRecord {
  return { id: row.id, name: row.name, passwordHash: row.password_hash, isDisabled: row.is_disabled, createdAtMs: row.created_at };
}

// Operator names are case-insensitive (the unique index is on lower(name)): every comparison of a
// name, joins included, goes through lower() so that it can use that index.

export function createPostgresOperatorRepo(db: PostgresDatabase): OperatorStore {
  return {
    async addOperator(name, passwordHash, atMs) {
      const { rows } = await db.write<OperatorRow>(
        `INSERT INTO operators (name, password_hash, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (lower(name)) DO NOTHING RETURNING ${OPERATOR_COLUMNS}`,
        [name, passwordHash, atMs],
      );
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_OPERATOR_EXISTS', name);
      return toOperator(row);
    },
    async findOperator(name) {
      const { rows } = await db.read.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE lower(name) = lower($1)`, [name]);
      const row = rows[0];
      return row ? toOperator(row) : null;
    },
    async countOperators() {
      const { rows } = await db.read.query<{ n: number }>('SELECT count(*) AS n FROM operators');
      return rows[0]?.n ?? 0;
    },
    async createSession(idHash, operatorName, csrfToken, createdAtMs, expiresAtMs) {
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM sessions WHERE expires_at <= $1', [createdAtMs]);
        await tx.query(
          'INSERT INTO sessions (id_hash, operator_name, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
          [idHash, operatorName, csrfToken, createdAtMs, expiresAtMs],
        );
      });
    },
    async findSession(idHash, nowMs) {
      const { rows } = await db.read.query<{ operator_name: string; csrf_token: string; expires_at: number }>(
        `SELECT s.operator_name, s.csrf_token, s.expires_at FROM sessions s JOIN operators o ON lower(o.name) = lower(s.operator_name)
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT o.is_disabled`,
        [idHash, nowMs],
      );
      const row = rows[0];
      return row ? { operatorName: row.operator_name, csrfToken: row.csrf_token, expiresAtMs: row.expires_at } : null;
    },
    async deleteSession(idHash) {
      await db.write('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
    async createApiToken(tokenHash, operatorName, label, atMs) {
      const { rows } = await db.write<{ id: number }>(
        'INSERT INTO api_tokens (token_hash, operator_name, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
        [tokenHash, operatorName, label, atMs],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new OpenTpsError('ERR_STORE_FAILED', 'API token vanished after insert');
      return { id, operatorName, label };
    },
    async findApiToken(tokenHash) {
      const { rows } = await db.read.query<{ id: number; operator_name: string; label: string | null }>(
        `SELECT t.id, t.operator_name, t.label FROM api_tokens t JOIN operators o ON lower(o.name) = lower(t.operator_name)
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT o.is_disabled`,
        [tokenHash],
      );
      const row = rows[0];
      return row ? { id: row.id, operatorName: row.operator_name, label: row.label } : null;
    },
    async appendAudit(entry: AuditEntry) {
      await db.write(
        'INSERT INTO audit_log (at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5)',
        [entry.atMs, entry.actor, entry.action, entry.target, entry.details === null ? null : JSON.stringify(entry.details)],
      );
    },
    async pruneAudit(olderThanMs, limit) {
      const { rowCount } = await db.write(
        'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2)',
        [olderThanMs, limit],
      );
      return rowCount ?? 0;
    },
    async listAudit(limit) {
      const { rows } = await db.read.query<{ at: number; actor: string; action: string; target: string | null; details: string | null }>(
        'SELECT at, actor, action, target, details FROM audit_log ORDER BY id DESC LIMIT $1',
        [limit],
      );
      return rows
        .reverse()
        .map((row) => ({ atMs: row.at, actor: row.actor, action: row.action, target: row.target, details: readJsonObject(row.details) }));
    },
  };
}
