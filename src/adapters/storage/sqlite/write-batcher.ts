// Group commit for the embedded store: every write of one event-loop turn runs in one transaction,
// each in its own savepoint, and each caller is answered only after that transaction commits
// (fsync'd when synchronous=FULL). One fsync then covers many requests instead of one each.

import type { Database } from 'better-sqlite3';
import { OpenTpsError } from '../../../errors.js';

interface PendingWrite {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface WriteBatcher {
  /** Runs `work` inside the next batch transaction; resolves with its result after commit. */
  run<T>(work: () => T): Promise<T>;
  /** Writes waiting for the next commit. */
  readonly pendingCount: number;
  /** Resolves once everything queued so far has committed (or failed). */
  drain(): Promise<void>;
}

export function createWriteBatcher(db: Database, maxBatchSize = 2000): WriteBatcher {
  let queue: PendingWrite[] = [];
  let isScheduled = false;
  let drainWaiters: Array<() => void> = [];
  const runInSavepoint = db.transaction((work: () => unknown) => work());

  function flush(): void {
    isScheduled = false;
    const batch = queue.slice(0, maxBatchSize);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      db.transaction(() => {
        for (const write of batch) {
          try {
            outcomes.push({ ok: true, value: runInSavepoint(write.work) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (cause) {
      const failure = new OpenTpsError('ERR_STORE_FAILED', 'commit failed', { cause });
      for (const write of batch) write.reject(failure);
      notifyDrained();
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) write.resolve(outcome.value);
      else write.reject(outcome?.error);
    });
    notifyDrained();
  }

  function notifyDrained(): void {
    if (queue.length > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  function schedule(): void {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(flush);
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    get pendingCount() {
      return queue.length;
    },
    drain() {
      if (queue.length === 0 && !isScheduled) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
  };
}
