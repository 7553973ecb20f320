// Whether the store can write: the last write failure (disk full, I/O error, database gone), kept
// until the next successful commit clears it. /healthz, the operator health API and the log read it.

import type { Clock } from './clock.js';

/** A run of failed writes not yet followed by a successful commit. */
export interface WriteFailure {
  /** Short and safe to show unauthenticated: "disk full", "I/O error", "no connection", ... */
  readonly reason: string;
  /** The first failure of this run. */
  readonly sinceMs: number;
  readonly lastAtMs: number;
  /** Failed writes in this run (each refused request counts once per write it attempted). */
  readonly failedCount: number;
}

export type WriteHealthChange =
  /** Writes began to fail (or the reason changed). */
  | { readonly kind: 'failing'; readonly failure: WriteFailure }
  /** A write committed after a run of failures, which `failure` describes as it ended. */
  | { readonly kind: 'recovered'; readonly failure: WriteFailure; readonly atMs: number };

export interface WriteHealth {
  /** The current run of failures, or null when the last write committed. */
  readonly failure: WriteFailure | null;
  /** A write committed (and, with full durability, reached the disk). */
  noteCommitted(): void;
  /** A write failed because the store could not write (not a refused write such as a full queue). */
  noteFailed(reason: string): void;
  /** Called on each change of state, not on every write; returns the unsubscribe function. */
  onChange(listener: (change: WriteHealthChange) => void): () => void;
}

/**
 * @example
 * const health = createWriteHealth({ clock });
 * health.noteFailed('disk full'); // health.failure -> { reason: 'disk full', failedCount: 1, ... }
 * health.noteCommitted();         // health.failure -> null
 */
export function createWriteHealth(deps: { readonly clock: Clock }): WriteHealth {
  let failure: WriteFailure | null = null;
  const listeners = new Set<(change: WriteHealthChange) => void>();
  const emit = (change: WriteHealthChange): void => {
    for (const listener of listeners) listener(change);
  };
  return {
    get failure() {
      return failure;
    },
    noteCommitted() {
      // The common path, taken once per committed write: one comparison when all is well.
      if (failure === null) return;
      const ended = failure;
      failure = null;
      emit({ kind: 'recovered', failure: ended, atMs: deps.clock.nowMs() });
    },
    noteFailed(reason) {
      const nowMs = deps.clock.nowMs();
      const isNewRun = failure === null || failure.reason !== reason;
      failure = { reason, sinceMs: failure?.sinceMs ?? nowMs, lastAtMs: nowMs, failedCount: (failure?.failedCount ?? 0) + 1 };
      if (isNewRun) emit({ kind: 'failing', failure });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
