// The shared SQL reads (fleet-sql/, equipment-sql/, site-sql/) run on the PostgreSQL pool: a page's
// independent statements run side by side on different connections.

import type pg from 'pg';
import type { SqlReader, SqlStatement } from '../fleet-sql/sql-dialect.js';
import type { PostgresDatabase } from './postgres-database.js';

export function createPostgresReader(db: PostgresDatabase): SqlReader {
  return {
    async all<R extends object>(statement: SqlStatement): Promise<R[]> {
      const { rows } = await db.read.query<R & pg.QueryResultRow>(statement.text, statement.values);
      return rows;
    },
  };
}
