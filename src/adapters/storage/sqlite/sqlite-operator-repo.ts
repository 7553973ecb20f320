// Operator accounts, sessions, API tokens and the audit log in the embedded store.

import type { Database } from 'better-sqlite3';
import { OpenTpsError } from '../../../errors.js';
import type { AuditEntry, OperatorRecord, OperatorStore } from '../../../domain/operator-store.js';
import { readJsonObject } from '../stored-rows/stored-json.js';
import type { WriteBatcher } from './write-batcher.js';

interface OperatorRow {
  id: number;
  name: string;
  password_hash: string;
  is_disabled: number;
  created_at: number;
}

function toOperator(row: OperatorRow): OperatorRecord {
  return { id: row.id, name: row.name, passwordHash: row.password_hash, isDisabled: row.is_disabled !== 0, createdAtMs: row.created_at };
}

export function createSqliteOperatorRepo(db: Database, batcher: WriteBatcher): OperatorStore {
  const insertOperator = db.prepare('INSERT INTO operators (name, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
  const selectOperator = db.prepare<[string], OperatorRow>('SELECT id, name, password_hash, is_disabled, created_at FROM operators WHERE name = ?');
  const countOperators = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM operators');
  const insertSession = db.prepare('INSERT INTO sessions (id_hash, operator_name, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  const deleteExpiredSessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  const selectSession = db.prepare<[string, number], { operator_name: string; csrf_token: string; expires_at: number }>(
    `SELECT s.operator_name, s.csrf_token, s.expires_at FROM sessions s JOIN operators o ON o.name = s.operator_name
     WHERE s.id_hash = ? AND s.expires_at > ? AND o.is_disabled = 0`,
  );
  const deleteSession = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const insertToken = db.prepare('INSERT INTO api_tokens (token_hash, operator_name, label, created_at) VALUES (?, ?, ?, ?)');
  const selectToken = db.prepare<[string], { id: number; operator_name: string; label: string | null }>(
    `SELECT t.id, t.operator_name, t.label FROM api_tokens t JOIN operators o ON o.name = t.operator_name
     WHERE t.token_hash = ? AND t.revoked_at IS NULL AND o.is_disabled = 0`,
  );
  const deleteOldAudit = db.prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)');
  const insertAudit = db.prepare('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)');
  const selectAudit = db.prepare<[number], { at: number; actor: string; action: string; target: string | null; details: string | null }>(
    'SELECT at, actor, action, target, details FROM audit_log ORDER BY id DESC LIMIT ?',
  );

  return {
    addOperator(name, passwordHash, atMs) {
      return batcher.run(() => {
        if (insertOperator.run(name, passwordHash, atMs).changes === 0) throw new OpenTpsError('ERR_OPERATOR_EXISTS', name);
        const row = selectOperator.get(name);
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'operator vanished after insert');
        return toOperator(row);
      });
    },
    async findOperator(name) {
      const row = selectOperator.get(name);
      return row ? toOperator(row) : null;
    },
    async countOperators() {
      return countOperators.get()?.n ?? 0;
    },
    createSession(idHash, operatorName, csrfToken, createdAtMs, expiresAtMs) {
      return batcher.run(() => {
        deleteExpiredSessions.run(createdAtMs);
        insertSession.run(idHash, operatorName, csrfToken, createdAtMs, expiresAtMs);
      });
    },
    async findSession(idHash, nowMs) {
      const row = selectSession.get(idHash, nowMs);
      return row ? { operatorName: row.operator_name, csrfToken: row.csrf_token, expiresAtMs: row.expires_at } : null;
    },
    deleteSession(idHash) {
      return batcher.run(() => {
        deleteSession.run(idHash);
      });
    },
    createApiToken(tokenHash, operatorName, label, atMs) {
      return batcher.run(() => {
        const { lastInsertRowid } = insertToken.run(tokenHash, operatorName, label, atMs);
        return { id: Number(lastInsertRowid), operatorName, label };
      });
    },
    async findApiToken(tokenHash) {
      const row = selectToken.get(tokenHash);
      return row ? { id: row.id, operatorName: row.operator_name, label: row.label } : null;
    },
    appendAudit(entry: AuditEntry) {
      return batcher.run(() => {
        insertAudit.run(entry.atMs, entry.actor, entry.action, entry.target, entry.details === null ? null : JSON.stringify(entry.details));
      });
    },
    async listAudit(limit) {
      return selectAudit
        .all(limit)
        .reverse()
        .map((row) => ({ atMs: row.at, actor: row.actor, action: row.action, target: row.target, details: readJsonObject(row.details) }));
    },
    pruneAudit(olderThanMs, limit) {
      return batcher.run(() => deleteOldAudit.run(olderThanMs, limit).changes);
    },
  };
}
