// The records database's write batcher as the repos see it, with every outcome reported to the store's
// WriteHealth: a committed write clears a failure, a write the disk refused records one.

import type { WriteHealth } from '../../../domain/write-health.js';
import { OpenTpsError, isOpenTpsError } from '../../../errors.js';
import { sqliteFailureReason } from '../store-failure-reason.js';
import type { WriteBatcher } from './write-batcher.js';

/**
 * Wraps `batcher` so that `health` follows its commits. SQLite can also refuse a write inside a statement
 * (SQLITE_FULL when a page cannot be added), which reaches the writer as a bare SqliteError: it becomes
 * ERR_STORE_FAILED like a failed commit, so a device is told to retry (503), not that we broke (500).
 */
export function watchWriteBatcher(batcher: WriteBatcher, health: WriteHealth): WriteBatcher {
  return {
    run<T>(work: () => T): Promise<T> {
      return batcher.run(work).then(
        (value) => {
          health.noteCommitted();
          return value;
        },
        (error: unknown) => {
          const reason = sqliteFailureReason(error);
          if (reason === null) throw error;
          health.noteFailed(reason);
          throw isOpenTpsError(error) ? error : new OpenTpsError('ERR_STORE_FAILED', reason, { cause: error });
        },
      );
    },
    get pendingCount() {
      return batcher.pendingCount;
    },
    drain: () => batcher.drain(),
  };
}
