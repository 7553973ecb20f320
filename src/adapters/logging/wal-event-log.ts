// The SQLite WAL bound in the log (wal-bound.ts): one line per restart, with how long writers waited, and a
// warning for each restart that could not be done (the WAL may then grow past --max-wal-mb).

import type { Logger } from 'pino';
import type { WalBoundEvent } from '../storage/sqlite/wal-bound.js';

export function logWalEvent(logger: Pick<Logger, 'info' | 'warn'>, event: WalBoundEvent): void {
  const details = { wal: event.walPath, walMb: Math.round(event.walBytes / 2 ** 20), heldMs: Math.round(event.heldMs * 10) / 10 };
  if (event.kind === 'restarted') logger.info({ ...details, checkpointMs: Math.round(event.checkpointMs * 10) / 10 }, 'WAL restarted');
  else logger.warn({ ...details, reason: event.reason }, 'WAL not restarted: it may grow past --max-wal-mb');
}
