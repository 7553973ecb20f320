// What a store tells whoever watches its group commits (GET /metrics): one report per batch of writes,
// committed or failed, once its writers have been answered.

/** `writes`: how many writes the batch carried; `durationMs`: from its start until its writers were answered. */
export type BatchObserver = (writes: number, durationMs: number) => void;

/**
 * The store's write queues: `records` (OKMs, devices, messages; on PostgreSQL the pushes, the only records
 * written in batches there) and `traffic` (the request log, diagnostics).
 */
export type WriteQueueName = 'records' | 'traffic';

export interface SettledBatch {
  readonly queue: WriteQueueName;
  readonly writes: number;
  readonly durationMs: number;
}

export type CommitObserver = (batch: SettledBatch) => void;

/** The BatchObserver for one queue of a store, or none when nobody watches. */
export function observeQueue(observer: CommitObserver | undefined, queue: WriteQueueName): BatchObserver | undefined {
  return observer === undefined ? undefined : (writes, durationMs) => observer({ queue, writes, durationMs });
}
