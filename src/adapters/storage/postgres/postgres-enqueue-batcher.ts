// Group commit for enqueues to one CWM. Allocating `_id`s holds the CWM's device row lock until COMMIT,
// so enqueues to one CWM commit one after another; calls made meanwhile on this node wait and go
// together in the next transaction: one lock, one commit (one WAL flush) for all of them.

import { runAndSettle, type BatchOutcome, type BatchWaiter } from './batch-outcome.js';

type Waiting<I, O> = BatchWaiter<I, O>;

export interface KeyedBatcher<I, O> {
  /** Runs `item` in the next batch for `key`; resolves with its own outcome once that batch committed. */
  run(key: string, item: I): Promise<O>;
  /** Items waiting for their batch to start. */
  readonly waitingCount: number;
}

export interface KeyedBatcherOptions<I, O> {
  readonly maxBatchSize: number;
  /** One outcome per item, in order; throwing fails the whole batch. */
  readonly runBatch: (key: string, items: readonly I[]) => Promise<Array<BatchOutcome<O>>>;
}

export function createKeyedBatcher<I, O>(options: KeyedBatcherOptions<I, O>): KeyedBatcher<I, O> {
  const waiting = new Map<string, Array<Waiting<I, O>>>();
  let waitingCount = 0;

  async function drain(key: string): Promise<void> {
    // Let the calls of this event-loop turn (a Promise.all over many enqueues) join the first batch.
    await Promise.resolve();
    for (;;) {
      const queue = waiting.get(key);
      if (!queue || queue.length === 0) {
        waiting.delete(key);
        return;
      }
      const batch = queue.splice(0, options.maxBatchSize);
      waitingCount -= batch.length;
      await runAndSettle(batch, (items) => options.runBatch(key, items));
    }
  }

  return {
    run(key, item) {
      return new Promise<O>((resolve, reject) => {
        waitingCount++;
        const queue = waiting.get(key);
        if (queue) {
          queue.push({ item, resolve, reject });
          return;
        }
        waiting.set(key, [{ item, resolve, reject }]);
        // drain() cannot reject: runAndSettle (batch-outcome.ts) hands every failure to the waiting callers.
        void drain(key);
      });
    },
    get waitingCount() {
      return waitingCount;
    },
  };
}
