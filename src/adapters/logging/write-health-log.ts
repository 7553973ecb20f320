// Store write failures in the log: one line when writes begin to fail and one when they work again, whatever
// the number of requests; on a nearly full disk, where some commits pass and others fail, the pair is logged
// once per interval with counts (repeated-error-log.ts).

import type { WriteHealthChange } from '../../domain/write-health.js';
import type { RepeatedErrorLog } from './repeated-error-log.js';

export function logWriteHealthChange(failureLog: RepeatedErrorLog, change: WriteHealthChange): void {
  const { failure } = change;
  if (change.kind === 'failing') {
    failureLog.report(
      'error',
      `store writes failing ${failure.reason}`,
      { reason: failure.reason, since: new Date(failure.sinceMs).toISOString() },
      `store writes failing (${failure.reason}): devices get 503 ERR_STORE_UNAVAILABLE and /healthz answers 503 until a write commits`,
    );
    return;
  }
  // The numbers go in fields, not the text: a count line repeats the text of the line it counts.
  failureLog.report(
    'info',
    `store writes commit again ${failure.reason}`,
    { reason: failure.reason, failedWrites: failure.failedCount, failingForMs: change.atMs - failure.sinceMs },
    `store writes commit again (after ${failure.reason})`,
  );
}
