// The shared SQL reads (fleet-sql/, equipment-sql/, site-sql/) run on the embedded store's connection.

import type { Database, Statement } from 'better-sqlite3';
import type { SqlReader, SqlStatement } from '../fleet-sql/sql-dialect.js';

/** A SqlReader on `db`; statements are prepared once per text: a few dozen shapes, never one per value. */
export function createSqliteReader(db: Database): SqlReader {
  const statements = new Map<string, Statement>();
  return {
    async all<R extends object>(statement: SqlStatement): Promise<R[]> {
      let prepared = statements.get(statement.text);
      if (!prepared) {
        prepared = db.prepare(statement.text);
        statements.set(statement.text, prepared);
      }
      return prepared.all(...statement.values) as R[];
    },
  };
}
