// Group commit for the embedded store: every write of one event-loop turn runs in one transaction
// (a failing write rolls back alone), and each caller is answered only after that transaction commits
// (fsync'd when synchronous=FULL). One fsync then covers many requests instead of one each.

import type { Database } from 'better-sqlite3';
import { OpenTpsError } from '../../../errors.js';
import type { BatchObserver } from '../commit-observer.js';

/** Thrown inside the optimistic transaction to roll it back; never escapes this module. */
const ABORT_OPTIMISTIC = Symbol('abort optimistic batch');

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

/** Lets something outside hold the next batch (see wal-bound.ts): writes queue meanwhile. */
export interface WriteGate {
  /** null while batches may run; otherwise resolves when they may run again. */
  readonly heldUntil: Promise<void> | null;
  /** Called after each commit, before its writers are answered. */
  noteCommitted(): void;
}

export interface WriteBatcherOptions {
  readonly maxBatchSize?: number;
  /**
   * How long the first write of a batch waits for others to join it (0: until the end of this event-loop
   * turn). Each commit costs the same whether it carries 3 writes or 300: a few ms of latency buys throughput.
   */
  readonly commitWindowMs?: number;
  /**
   * With no commit window: the least time between two commits. A write after a quiet spell commits at the
   * end of its event-loop turn; when commits follow each other closer than this, the next one waits out the
   * rest, and the writes that arrive meanwhile join it. At fleet scale a node reads only 1-3 requests per
   * turn, so committing every turn makes commits of 1-3 pushes, each paying the commit's fixed cost and
   * rewriting the shared pages (the table's last page, index roots) (bench/write-path.ts).
   */
  readonly minCommitIntervalMs?: number;
  /** Called after each commit; the batch's writers are answered once it resolves (see wal-sync.ts). */
  readonly afterCommit?: () => Promise<void>;
  readonly gate?: WriteGate;
  /** Told of each batch once its writers are answered: how many writes, and ms from its start (see commit-observer.ts). */
  readonly onBatchSettled?: BatchObserver;
}

export function createWriteBatcher(db: Database, options: WriteBatcherOptions = {}): WriteBatcher {
  const maxBatchSize = options.maxBatchSize ?? 2000;
  const afterCommit = options.afterCommit;
  const commitWindowMs = options.commitWindowMs ?? 0;
  const minCommitIntervalMs = options.minCommitIntervalMs ?? 0;
  let lastCommitStartedAtMs = Number.NEGATIVE_INFINITY;
  const gate = options.gate;
  const onBatchSettled = options.onBatchSettled;
  let inFlight = 0;
  let inFlightWrites = 0;
  let queue: PendingWrite[] = [];
  let isScheduled = false;
  let drainWaiters: Array<() => void> = [];
  const runInSavepoint = db.transaction((work: () => unknown) => work());
  type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

  /** Fast path: no savepoints; any write that throws aborts the attempt (null) so the batch can be redone. */
  const runOptimistically = db.transaction((batch: readonly PendingWrite[]): Outcome[] | null => {
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, value: write.work() });
      } catch {
        throw ABORT_OPTIMISTIC;
      }
    }
    return outcomes;
  });

  /** Slow path: each write in its own savepoint, so a failing one rolls back alone. */
  const runIsolated = db.transaction((batch: readonly PendingWrite[]): Outcome[] => {
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, value: runInSavepoint(write.work) });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  });

  function runBatch(batch: readonly PendingWrite[]): Outcome[] {
    // Writes rarely fail (a full queue, a taken id), and a savepoint per write costs two statements each:
    // try the whole batch bare first, and redo it write by write only when one of them threw.
    try {
      const outcomes = runOptimistically.immediate(batch);
      if (outcomes) return outcomes;
    } catch (error) {
      if (error !== ABORT_OPTIMISTIC) throw error;
    }
    return runIsolated.immediate(batch);
  }

  function flush(): void {
    // Held: stay scheduled (run() adds to the queue without scheduling again) and flush once let go.
    const heldUntil = gate?.heldUntil ?? null;
    if (heldUntil !== null) {
      // heldUntil only resolves (wal-bound.ts lets writers go whatever the restart's outcome, which it reports).
      void heldUntil.then(flush);
      return;
    }
    isScheduled = false;
    lastCommitStartedAtMs = performance.now();
    const batch = queue.slice(0, maxBatchSize);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    const startedMs = onBatchSettled ? performance.now() : 0;
    let outcomes: Outcome[];
    try {
      outcomes = runBatch(batch);
    } catch (cause) {
      const failure = new OpenTpsError('ERR_STORE_FAILED', 'commit failed', { cause });
      for (const write of batch) write.reject(failure);
      onBatchSettled?.(batch.length, performance.now() - startedMs);
      notifyDrained();
      return;
    }
    gate?.noteCommitted();
    const answer = (): void => {
      onBatchSettled?.(batch.length, performance.now() - startedMs);
      batch.forEach((write, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) write.resolve(outcome.value);
        else write.reject(outcome?.error);
      });
    };
    if (!afterCommit) {
      answer();
      notifyDrained();
      return;
    }
    inFlight++;
    inFlightWrites += batch.length;
    afterCommit().then(answer, (cause: unknown) => {
      // Committed but not known to be on disk: no writer may be told it is durable.
      const failure = new OpenTpsError('ERR_STORE_FAILED', 'syncing the commit to disk failed', { cause });
      onBatchSettled?.(batch.length, performance.now() - startedMs);
      for (const write of batch) write.reject(failure);
    }).finally(() => {
      inFlight--;
      inFlightWrites -= batch.length;
      notifyDrained();
    });
  }

  function notifyDrained(): void {
    if (queue.length > 0 || inFlight > 0 || isScheduled) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  function schedule(): void {
    if (isScheduled) return;
    isScheduled = true;
    if (commitWindowMs > 0) {
      setTimeout(flush, commitWindowMs);
      return;
    }
    const waitMs = minCommitIntervalMs - (performance.now() - lastCommitStartedAtMs);
    if (waitMs >= 1) setTimeout(flush, waitMs);
    else setImmediate(flush);
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    get pendingCount() {
      return queue.length + inFlightWrites;
    },
    drain() {
      if (queue.length === 0 && !isScheduled && inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
  };
}
