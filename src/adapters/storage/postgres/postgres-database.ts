// The PostgreSQL connection pool as the repos use it: reads, single-statement writes and transactions
// on one pooled client, with driver errors wrapped as ERR_STORE_FAILED and writes in flight counted.

import { createHash } from 'node:crypto';
import pg from 'pg';
import type { WriteHealth } from '../../../domain/write-health.js';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { postgresFailureReason } from '../store-failure-reason.js';

export type SqlScalar = string | number | boolean | null;
/** A statement parameter; an array is sent as a PostgreSQL array (for `unnest` in multi-row statements). */
export type SqlValue = SqlScalar | readonly SqlScalar[];

/** Where a statement runs: the pool (autocommit) or the client of an open transaction. */
export interface SqlRunner {
  query<R extends pg.QueryResultRow>(sql: string, values?: readonly SqlValue[]): Promise<pg.QueryResult<R>>;
}

export interface PostgresDatabase {
  /** Statements that change nothing; not counted as pending writes. */
  readonly read: SqlRunner;
  /** One autocommitted write statement (atomic by itself), counted while in flight. */
  write<R extends pg.QueryResultRow>(sql: string, values?: readonly SqlValue[]): Promise<pg.QueryResult<R>>;
  /**
   * Runs `work` between BEGIN and COMMIT on one pooled client (ROLLBACK when it throws). A deadlock or
   * serialization failure rolls everything back, so the whole unit is retried: `work` must only talk
   * to the database and compute.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Writes started and not yet committed or failed. */
  readonly pendingWriteCount: number;
  /** Waits for writes in flight, then closes every connection. */
  close(): Promise<void>;
}

/** SQLSTATEs after which PostgreSQL has rolled the transaction back and a retry may succeed. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_TRANSACTION_ATTEMPTS = 5;

function sqlStateOf(error: unknown): string | null {
  const cause = isOpenTpsError(error) ? error.cause : error;
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return null;
  return typeof cause.code === 'string' ? cause.code : null;
}

/** Our own errors pass through; anything the driver throws becomes ERR_STORE_FAILED with it as `cause`. */
function toStoreError(error: unknown, what: string): OpenTpsError {
  return isOpenTpsError(error) ? error : new OpenTpsError('ERR_STORE_FAILED', what, { cause: error });
}

/**
 * Parameterised statements are prepared once per connection, under a name derived from their text:
 * planning costs more than executing most of these statements (measured: 0.67 ms against 0.33 ms for
 * the enqueue's expiry), and it would be paid on every call.
 */
function statementNameOf(sql: string, names: Map<string, string>): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `opentps_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

function runnerOf(target: pg.Pool | pg.PoolClient, names: Map<string, string>): SqlRunner {
  return {
    async query<R extends pg.QueryResultRow>(sql: string, values: readonly SqlValue[] = []) {
      try {
        if (values.length === 0) return await target.query<R>(sql);
        return await target.query<R>({ name: statementNameOf(sql, names), text: sql, values: [...values] });
      } catch (cause) {
        throw toStoreError(cause, 'statement failed');
      }
    },
  };
}

/** `writeHealth`, when given, hears of every write: committed, or failed because the database could not take it. */
export function createPostgresDatabase(pool: pg.Pool, writeHealth?: WriteHealth): PostgresDatabase {
  const inFlight = new Set<Promise<unknown>>();
  const statementNames = new Map<string, string>();
  const read = runnerOf(pool, statementNames);

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    work.then(
      () => {
        inFlight.delete(work);
        writeHealth?.noteCommitted();
      },
      (error: unknown) => {
        inFlight.delete(work);
        const reason = postgresFailureReason(error);
        if (reason !== null) writeHealth?.noteFailed(reason);
      },
    );
    return work;
  }

  async function runOnce<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      throw toStoreError(cause, 'no database connection');
    }
    // A client whose ROLLBACK failed is in an unknown state: it is destroyed instead of returned to the pool.
    let isBroken = false;
    // The pool listens for errors of idle clients only. A connection that dies while this transaction holds
    // it, between two statements, emits 'error' with nobody listening, which would end the process: the
    // failure is noted here, and the next statement (or COMMIT) fails and rolls the unit back.
    const onConnectionError = (): void => {
      isBroken = true;
    };
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const result = await work(runnerOf(client, statementNames));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        isBroken = true;
      }
      throw toStoreError(error, 'transaction failed');
    } finally {
      client.off('error', onConnectionError);
      client.release(isBroken);
    }
  }

  async function transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runOnce(work);
      } catch (error) {
        const sqlState = sqlStateOf(error);
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || sqlState === null || !RETRYABLE_SQLSTATES.has(sqlState)) throw error;
      }
    }
  }

  return {
    read,
    write: (sql, values) => track(read.query(sql, values)),
    transaction: (work) => track(transaction(work)),
    get pendingWriteCount() {
      return inFlight.size;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      await pool.end();
    },
  };
}
