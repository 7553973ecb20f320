// Group commit for independent writes: calls wait in a queue, and up to `maxConcurrentBatches`
// transactions each take everything waiting (up to `maxBatchSize`). While they commit, new calls queue
// up for the next batch, so the batch size follows the load: one call alone goes at once, a burst
// goes in a few multi-row transactions instead of one transaction (and one WAL flush) per call.

import type { BatchObserver } from '../commit-observer.js';
import { runAndSettle, type BatchOutcome, type BatchWaiter } from './batch-outcome.js';

type Waiting<I, O> = BatchWaiter<I, O>;

export interface GroupCommitQueue<I, O> {
  /** Runs `item` in the next batch; resolves with its own outcome once that batch committed. */
  run(item: I): Promise<O>;
  /** Items waiting for a batch, plus items in batches not yet committed. */
  readonly pendingCount: number;
  /** Resolves when nothing is waiting or running. */
  drained(): Promise<void>;
}

export interface GroupCommitQueueOptions<I, O> {
  readonly maxBatchSize: number;
  readonly maxConcurrentBatches: number;
  /** One outcome per item, in order; throwing fails every item of the batch with that error. */
  readonly runBatch: (items: readonly I[]) => Promise<Array<BatchOutcome<O>>>;
  /** Told of each batch once its callers are answered: how many items, and ms from its start (see commit-observer.ts). */
  readonly onBatchSettled?: BatchObserver;
}

export function createGroupCommitQueue<I, O>(options: GroupCommitQueueOptions<I, O>): GroupCommitQueue<I, O> {
  const waiting: Array<Waiting<I, O>> = [];
  let running = 0;
  let runningItems = 0;
  let isScheduled = false;
  let idleWaiters: Array<() => void> = [];

  function settleIdle(): void {
    if (waiting.length > 0 || running > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async function runOne(batch: Array<Waiting<I, O>>): Promise<void> {
    const startedMs = performance.now();
    try {
      await runAndSettle(batch, options.runBatch);
    } finally {
      options.onBatchSettled?.(batch.length, performance.now() - startedMs);
      running--;
      runningItems -= batch.length;
      startBatches();
      settleIdle();
    }
  }

  function startBatches(): void {
    while (running < options.maxConcurrentBatches && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatchSize);
      running++;
      runningItems += batch.length;
      // runOne() cannot reject: runAndSettle hands every failure to the batch's callers.
      void runOne(batch);
    }
  }

  return {
    run(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (isScheduled) return;
        // Let the calls of this event-loop turn join the first batch.
        isScheduled = true;
        queueMicrotask(() => {
          isScheduled = false;
          startBatches();
        });
      });
    },
    get pendingCount() {
      return waiting.length + runningItems;
    },
    drained() {
      if (waiting.length === 0 && running === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
