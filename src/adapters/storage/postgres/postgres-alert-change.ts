// The alert change lock of the PostgreSQL store: every transaction that changes alerts locks the one row of
// alert_change_counter first (see the migration in postgres-migrations.ts), so the nodes' alert changes take turns,
// each is numbered after the last committed one, and each statement after the lock sees every change committed
// before it. Alert changes are rare beside pushes: the turns cost nothing there.

import type { PostgresDatabase, SqlRunner } from './postgres-database.js';

/** Numbers alert changes inside one transaction: `next()` is the number a change would take, `take()` keeps it. */
export interface AlertChangeSeq {
  next(): number;
  take(seq: number): void;
}

/** Runs `work` in a transaction holding alert_change_counter's lock, and stores the last number taken. */
export function inAlertChange<T>(db: PostgresDatabase, work: (tx: SqlRunner, seq: AlertChangeSeq) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ value: number }>('SELECT value FROM alert_change_counter WHERE id = 1 FOR UPDATE');
    const start = Number(rows[0]?.value ?? 0);
    let value = start;
    const seq: AlertChangeSeq = {
      next: () => value + 1,
      take: (taken) => {
        value = taken;
      },
    };
    const result = await work(tx, seq);
    if (value !== start) await tx.query('UPDATE alert_change_counter SET value = $1 WHERE id = 1', [value]);
    return result;
  });
}
